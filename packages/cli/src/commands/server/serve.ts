import { Option, type Command } from 'commander';
import { serverFlag, type CliContext } from '../../context.js';
import { CliError, InterruptedError } from '../../exit-codes.js';
import { serveSuggestion } from '../../how-to-run.js';
import type { ActionFactory } from '../../command-action.js';
import { serverLogStream } from '../../server-log.js';
import { parsePort, serverEnv, type ServerFlags } from '../shared/server-flags.js';

export function serveCommand(program: Command, action: ActionFactory): void {
  program
    .command('serve')
    .description('run an Aperture server (SQLite and media under ./data unless configured)')
    .option('-p, --port <n>', 'port to listen on, 0 for any free one (default: APERTURE_PORT or 4000)', parsePort)
    .option('--host <host>', 'interface to listen on (default: APERTURE_HOST or 127.0.0.1)')
    .option('--data-dir <dir>', 'where the database, media and secret live (default: APERTURE_DATA_DIR or ./data)')
    .addOption(
      new Option('--role <role>', 'what this process does (default: APERTURE_ROLE or all)').choices([
        'api',
        'worker',
        'all',
      ]),
    )
    .action(
      action<ServerFlags>(async (ctx, flags) => {
        // The server is loaded only by the commands that run one (serve, migrate, demo, admin), so
        // the account commands start fast.
        const { createServer, loadConfig, logUnhandledRejections, lowerProcessPriority, NodeLeaseUnavailableError } =
          await import('@aperture/server');
        const config = loadConfig(serverEnv(ctx.io.env, flags));
        // A worker (by default) shares its machine with API processes: it takes the CPU they leave.
        // Before the server starts, so the threads it starts inherit the niceness.
        if (config.nice > 0) lowerProcessPriority(config.nice);
        // Logs go to stderr (one line per request on a terminal): stdout is for the URL, or --json's object.
        const server = await createServer(config, { logStream: serverLogStream(ctx.io.stderr, ctx.io.env) }).catch(
          (error: unknown) => {
            // Another live process holds the pinned node id, or serves this SQLite file: its message says which.
            throw error instanceof NodeLeaseUnavailableError ? new CliError(error.message) : error;
          },
        );
        // This process is the server's: a rejection nobody handled is logged, not fatal to every
        // request in flight. (createServer leaves process-wide policy to whoever owns the process.)
        logUnhandledRejections(server.app.log);
        let url: string;
        try {
          url = await server.start();
        } catch (error) {
          // The database is open already; close it so the process can exit (port in use, …).
          await server.stop().catch(() => undefined);
          throw portTaken(ctx, error, config) ?? error;
        }
        ctx.out.data(
          `Aperture is running at ${url} — next: npx aperture register --username you --email you@example.com${serverFlag(url)}`,
          { url, dataDir: config.dataDir, role: config.role },
        );
        const niceness = config.nice > 0 ? `, niceness ${config.nice}` : '';
        ctx.out.info(`Data: ${config.dataDir} (role: ${config.role}${niceness}). Stop with Ctrl-C.`);

        const reason = await Promise.race([
          new Promise<NodeJS.Signals>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          }),
          server.nodeLeaseLost,
        ]);
        // A second signal while draining means "now".
        const force = (): never => process.exit(1);
        process.once('SIGINT', force);
        process.once('SIGTERM', force);
        ctx.out.info(typeof reason === 'string' ? `${reason}: stopping…` : `${reason.message} Stopping…`);
        // /readyz fails and new requests are refused at once; requests in flight get
        // APERTURE_SHUTDOWN_GRACE_SECONDS; then leases are released (server.ts, stop()).
        await server.stop();
        ctx.out.info('Stopped.');
        // A process that lost its node id must be restarted (it can create nothing): fail, so a
        // service manager does.
        if (typeof reason !== 'string') throw new CliError(`${reason.message} Start it again.`);
        const signal = reason;
        if (signal === 'SIGINT') throw new InterruptedError();
      }),
    );
}

/**
 * A port already taken, said as what to do about it: which port (the API's or the metrics one),
 * and the command that starts on another. Undefined for any other failure.
 */
function portTaken(
  ctx: CliContext,
  error: unknown,
  config: { host: string; port: number; metrics: { host: string; port?: number | undefined } },
): CliError | undefined {
  const failure = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (failure?.code !== 'EADDRINUSE') return undefined;
  const port = failure.port ?? config.port;
  if (config.metrics.port !== undefined && port === config.metrics.port && port !== config.port) {
    return new CliError(
      `The metrics port ${port} on ${failure.address ?? config.metrics.host} is already in use. ` +
        'Set APERTURE_METRICS_PORT to a free one (0 picks any).',
    );
  }
  return new CliError(
    `Port ${port} on ${failure.address ?? config.host} is already in use (another Aperture, or another program, listens there).\n` +
      `Start on another port: ${serveSuggestion(ctx.io.env, process.cwd(), '0')} takes any free one; --port <n> a given one.`,
  );
}
