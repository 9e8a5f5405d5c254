import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { AccountExport } from '@aperture/sdk';
import type { CliContext } from '../../context.js';
import { CliError } from '../../exit-codes.js';
import type { ActionFactory } from '../../command-action.js';
import { formatBytes } from '../../progress.js';

interface ExportOptions {
  out?: string;
}

/** How often the command asks how far the server got. */
const POLL_MS = 1_000;

export function exportCommand(program: Command, action: ActionFactory): void {
  program
    .command('export')
    .description('export everything of your account (JSON and your original photos and videos) into a .tar.gz')
    .option('-o, --out <file>', 'where to save the archive (default: aperture-export-<id>.tar.gz here)')
    .action(action<ExportOptions>(runExport));
}

async function runExport(ctx: CliContext, options: ExportOptions): Promise<void> {
  let status: AccountExport | null = await ctx.authed((client) => client.accounts.export());
  let shown = '';
  while (status?.state === 'pending' || status?.state === 'building') {
    const line =
      status.state === 'pending'
        ? 'export: waiting for the server to start it…'
        : `export: building… ${status.progress.done}/${status.progress.total} files`;
    if (line !== shown) ctx.out.info(line);
    shown = line;
    await new Promise((done) => setTimeout(done, POLL_MS));
    status = await ctx.authed((client) => client.accounts.exportStatus());
  }
  if (status?.state !== 'ready' || status.url === null) {
    throw new CliError(`The export ${status ? status.state : 'vanished'}; run \`aperture export\` again.`);
  }
  const file = resolve(options.out ?? `aperture-export-${status.id}.tar.gz`);
  const response = await fetch(status.url);
  if (!response.ok || response.body === null) {
    throw new CliError(`Downloading the export failed: HTTP ${response.status}.`);
  }
  // Written beside the target and renamed once whole, so a broken download never looks finished.
  const partial = `${file}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body), createWriteStream(partial));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  ctx.out.data(`Saved your export (${formatBytes(status.size ?? 0)}) to ${file}.`, { ...status, file });
}
