import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { backupCommands } from './backup.js';
import { blocklistCommands } from './blocklist.js';
import { eventsCommand } from './events.js';
import { grantCommand } from './grant.js';
import { moveCommand } from './move.js';
import { recountCommand } from './recount.js';
import { reprocessCommand } from './reprocess.js';
import { verifyCommand } from './verify.js';
import { wordsCommand } from './words.js';

/** Operator commands that work on the configured database directly (run them where the server runs). */
export function adminCommand(program: Command, action: ActionFactory): void {
  const admin = program.command('admin').description('operator tasks on the configured database and media');
  reprocessCommand(admin, action);
  recountCommand(admin, action);
  verifyCommand(admin, action);
  eventsCommand(admin, action);
  backupCommands(admin, action);
  moveCommand(admin, action);
  wordsCommand(admin, action);
  grantCommand(admin, action);
  blocklistCommands(admin, action);
}
