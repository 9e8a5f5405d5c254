import type { StorageReport } from '@aperture/server';
import type { Command } from 'commander';
import type { ActionFactory, CommandAction } from '../../command-action.js';
import { CliError, EXIT, UsageError } from '../../exit-codes.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

type VerifyFlags = Pick<ServerFlags, 'dataDir'> & { repair?: boolean; grace?: string };

const KINDS: [keyof StorageReport['orphans'], string][] = [
  ['originals', 'originals'],
  ['derivatives', 'derivatives'],
  ['staging', 'staged uploads'],
  ['multipartUploads', 'open multipart uploads'],
  ['scratch', 'temp files'],
];

/**
 * `aperture admin verify [--repair] [--grace <minutes>]`: prints what it found (and removed or
 * repaired), then exits 3 when problems remain, so a cron job or a test can tell.
 */
export function verifyCommand(admin: Command, action: ActionFactory): void {
  admin
    .command('verify')
    .description('match every blob against the rows and every row against its blobs; --repair fixes what it can')
    .option('--data-dir <dir>', 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)')
    .option('--repair', 'remove leftovers older than the grace period, and repair rows whose blobs are missing')
    .option('--grace <minutes>', 'leave leftovers younger than this alone: they may be writes in flight (default 60)')
    .action(action(verify));
}

/** Checks (and with --repair fixes) the storage, then throws exit code 3 while problems remain. */
const verify: CommandAction<VerifyFlags> = async (ctx, flags) => {
  const grace = flags.grace === undefined ? undefined : Number(flags.grace);
  if (grace !== undefined && (!/^\d+$/.test(flags.grace ?? '') || grace > 100_000)) {
    throw new UsageError('--grace is a whole number of minutes (0 only when no server is running)');
  }
  const { loadConfig, verifyStorage } = await import('@aperture/server');
  const config = loadConfig(serverEnv(ctx.io.env, flags));
  const report = await verifyStorage(config, {
    repair: flags.repair === true,
    ...(grace === undefined ? {} : { graceMinutes: grace }),
  });
  ctx.out.data(describe(ctx.out, report), report);
  if (report.problems > 0) {
    throw new CliError(
      `${report.problems} problem(s) remain${report.repair ? '' : '; --repair fixes what it can'}.`,
      EXIT.PROBLEMS_FOUND,
    );
  }
};

function describe(out: { table(header: string[], rows: string[][]): string }, report: StorageReport): string {
  const leftovers = out.table(
    ['BLOBS WITHOUT A ROW', 'STALE', 'YOUNG', 'REMOVED'],
    KINDS.map(([kind, label]) => {
      const c = report.orphans[kind];
      return [label, String(c.stale), String(c.young), String(c.removed)];
    }),
  );
  const missing =
    report.missing.length === 0
      ? 'Every ready or processing media item has its blobs.'
      : out.table(
          ['ROWS WITHOUT THEIR BLOBS', 'STATUS', 'MISSING', 'REPAIR', 'DONE'],
          report.missing.map((m) => [
            m.mediaId,
            m.status,
            m.missing.map((key) => key.slice(key.lastIndexOf('/') + 1)).join(' '),
            m.repair,
            m.repaired ? 'yes' : 'no',
          ]),
        );
  const wrongSize = report.wrongSize.map(
    (w) => `${w.key}: ${w.actual} bytes where its row says ${w.expected} (damaged; restore it from a backup)`,
  );
  const foreign = report.foreignKeys > 0 ? [`${report.foreignKeys} key(s) outside Aperture's layout, left alone.`] : [];
  const verdict =
    report.problems === 0
      ? `Healthy (${report.blobStore}; leftovers younger than ${report.graceMinutes} min are not counted).`
      : `${report.problems} problem(s) remain (${report.blobStore}).`;
  return [leftovers, '', missing, ...wrongSize, ...foreign, '', verdict].join('\n');
}
