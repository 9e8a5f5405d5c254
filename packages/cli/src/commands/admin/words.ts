import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { UsageError } from '../../exit-codes.js';
import { serverEnv, type ServerFlags } from '../shared/server-flags.js';

type Flags = Pick<ServerFlags, 'dataDir'>;
const DATA_DIR = 'where the default SQLite database lives (default: APERTURE_DATA_DIR or ./data)';

/**
 * `aperture admin words list|add|remove`: the word filter rules kept in the database, beside those of
 * APERTURE_WORD_FILTER_FILE. Running servers pick up a change within 5 s.
 */
export function wordsCommand(admin: Command, action: ActionFactory): void {
  const words = admin
    .command('words')
    .description('word filter rules kept in the database: terms that reject or hold comments and captions');
  words
    .command('list')
    .description('the rules added here (those of APERTURE_WORD_FILTER_FILE are in that file)')
    .option('--data-dir <dir>', DATA_DIR)
    .action(
      action<Flags>(async (ctx, flags) => {
        const { loadConfig, listWordFilters } = await import('@aperture/server');
        const rules = await listWordFilters(loadConfig(serverEnv(ctx.io.env, flags)));
        if (rules.length === 0 && !ctx.out.json) {
          ctx.out.info('No word filter rules in the database.');
          return;
        }
        const rows = rules.map((r) => [r.action, r.term, ctx.out.when(r.createdAt)]);
        ctx.out.data(ctx.out.table(['ACTION', 'TERM', 'ADDED'], rows), { rules });
      }),
    );
  words
    .command('add')
    .description('add a rule: reject refuses the text, hold keeps it for a moderator (shown to its author only)')
    .argument('<action>', 'reject or hold')
    .argument('<term...>', 'a word or a phrase of several words')
    .option('--data-dir <dir>', DATA_DIR)
    .action((actionName: string, term: string[], options: Flags, command: Command) =>
      action<Flags>(async (ctx, flags) => {
        if (actionName !== 'reject' && actionName !== 'hold') {
          throw new UsageError(`the action is reject or hold (got ${actionName})`);
        }
        const { loadConfig, addWordFilter } = await import('@aperture/server');
        const phrase = term.join(' ');
        await addWordFilter(loadConfig(serverEnv(ctx.io.env, flags)), phrase, actionName);
        ctx.out.data(`Added: ${actionName} "${phrase}". Running servers apply it within 5 s.`, {
          term: phrase,
          action: actionName,
        });
      })(options, command),
    );
  words
    .command('remove')
    .description('remove the rule of a term (in any case)')
    .argument('<term...>', 'the word or phrase')
    .option('--data-dir <dir>', DATA_DIR)
    .action((term: string[], options: Flags, command: Command) =>
      action<Flags>(async (ctx, flags) => {
        const { loadConfig, removeWordFilter } = await import('@aperture/server');
        const phrase = term.join(' ');
        const removed = await removeWordFilter(loadConfig(serverEnv(ctx.io.env, flags)), phrase);
        if (!removed) throw new UsageError(`no rule for "${phrase}" in the database`);
        ctx.out.data(`Removed "${phrase}".`, { term: phrase, removed });
      })(options, command),
    );
}
