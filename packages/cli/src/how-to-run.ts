import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SERVER, type CliContext, type ServerOrigin } from './context.js';

/** The port `aperture serve` listens on unless told otherwise. */
const DEFAULT_PORT = new URL(DEFAULT_SERVER).port;

/**
 * What to say when nothing answers at the server's URL: which URL was tried and where it came
 * from (so a stale `--server` or profile shows itself), then what starts a server there from where
 * the user is — `npm start` inside a clone of the repository, else `aperture serve` (with `npx`
 * when that is how this ran) — or, for a server on another machine, to check it.
 */
export function unreachableHint(
  ctx: Pick<CliContext, 'server' | 'serverOrigin' | 'io'>,
  cwd: string,
  checkout: string | undefined = repositoryCheckout(),
): string {
  const url = new URL(ctx.server);
  const lines = [`Nothing answered at ${ctx.server} (${describeOrigin(ctx.serverOrigin)}).`];
  if (!isLocal(url.hostname)) {
    lines.push('Check that the address is right and that the server is up.');
  } else {
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    lines.push(
      `Start one with: ${serveSuggestion(ctx.io.env, cwd, port === DEFAULT_PORT ? undefined : port, checkout)}`,
    );
  }
  if (ctx.serverOrigin.kind === 'profile') {
    const flag = ctx.serverOrigin.profile === 'default' ? '' : ` --profile ${ctx.serverOrigin.profile}`;
    lines.push(
      `To use another server: --server <url>, or for good: ${aperture(ctx.io.env)} config set server <url>${flag}`,
    );
  }
  return lines.join('\n');
}

/**
 * The command that starts a server from where the user is: `npm start (or: npx aperture serve)`
 * inside a clone of the repository, else `aperture serve` (`npx aperture serve` when this ran
 * through npx); with `--port` when `port` is given.
 */
export function serveSuggestion(
  env: NodeJS.ProcessEnv,
  cwd: string,
  port?: string,
  checkout: string | undefined = repositoryCheckout(),
): string {
  const flag = port === undefined ? '' : ` --port ${port}`;
  if (checkout !== undefined && isInside(cwd, checkout)) {
    // npm passes what follows `--` on to the script.
    return `npm start${flag ? ` --${flag}` : ''} (or: npx aperture serve${flag})`;
  }
  return `${aperture(env)} serve${flag}`;
}

/** How the user ran this CLI: `npx aperture` through npx, else `aperture`. */
export function aperture(env: NodeJS.ProcessEnv): string {
  return env['npm_lifecycle_event'] === 'npx' ? 'npx aperture' : 'aperture';
}

function describeOrigin(origin: ServerOrigin): string {
  switch (origin.kind) {
    case 'flag':
      return 'from --server';
    case 'env':
      return 'from APERTURE_SERVER';
    case 'profile':
      return `the server of profile ${origin.profile}`;
    case 'default':
      return 'the default server';
  }
}

function isLocal(hostname: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '0.0.0.0'].includes(hostname) || hostname.startsWith('127.');
}

function isInside(dir: string, root: string): boolean {
  const path = relative(root, dir);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/**
 * The root of the Aperture repository this CLI runs from, when it runs from a clone (the CLI's
 * `dist/` three levels down from a package.json named `aperture` with a `start` script); not
 * when it was installed from a registry into someone's node_modules.
 */
export function repositoryCheckout(): string | undefined {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  try {
    const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
      name?: string;
      scripts?: Record<string, string>;
    };
    return manifest.name === 'aperture' && manifest.scripts?.['start'] !== undefined ? root : undefined;
  } catch {
    return undefined;
  }
}
