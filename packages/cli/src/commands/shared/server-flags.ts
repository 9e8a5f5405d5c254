import { InvalidArgumentError } from 'commander';

/** Flags of `serve`, `migrate` and `admin` that override the environment. */
export interface ServerFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  role?: string;
}

/** The environment the server's loadConfig() reads, with the flags laid over it. */
export function serverEnv(env: NodeJS.ProcessEnv, flags: ServerFlags): Record<string, string | undefined> {
  return {
    ...env,
    ...(flags.port === undefined ? {} : { APERTURE_PORT: String(flags.port) }),
    ...(flags.host === undefined ? {} : { APERTURE_HOST: flags.host }),
    ...(flags.dataDir === undefined ? {} : { APERTURE_DATA_DIR: flags.dataDir }),
    ...(flags.role === undefined ? {} : { APERTURE_ROLE: flags.role }),
  };
}

/** Parses `--port` (of `serve` and `demo`). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one).');
  }
  return port;
}
