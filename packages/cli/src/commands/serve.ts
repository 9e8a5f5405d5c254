import { Option, type Command } from 'commander';
import { serverFlag } from '../context.js';
import type { ActionFactory } from '../program.js';
import { parsePort, serverEnv, type ServerFlags } from './server-env.js';

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
        // Only `serve` and `migrate` load the server, so the account commands start fast.
        const { createServer, loadConfig, logUnhandledRejections } = await import('@aperture/server');
        const config = loadConfig(serverEnv(ctx.io.env, flags));
        const server = await createServer(config);
        // This process is the server's: a rejection nobody handled is logged, not fatal to every
        // request in flight. (createServer leaves process-wide policy to whoever owns the process.)
        logUnhandledRejections(server.app.log);
        let url: string;
        try {
          url = await server.start();
        } catch (error) {
          // The database is open already; close it so the process can exit (port in use, …).
          await server.stop().catch(() => undefined);
          throw error;
        }
        ctx.out.data(
          `Aperture is running at ${url} — next: npx aperture register --username you --email you@example.com${serverFlag(url)}`,
          { url, dataDir: config.dataDir, role: config.role },
        );
        ctx.out.info(`Data: ${config.dataDir} (role: ${config.role}). Stop with Ctrl-C.`);

        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        // A second signal while draining means "now".
        const force = (): never => process.exit(1);
        process.once('SIGINT', force);
        process.once('SIGTERM', force);
        ctx.out.info(`${signal}: stopping…`);
        await server.stop();
        ctx.out.info('Stopped.');
      }),
    );
}
