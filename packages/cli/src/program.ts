import { Command, CommanderError, Option } from 'commander';
import { ApertureError } from '@aperture/sdk';
import { createActionFactory, type ActionFactory } from './command-action.js';
import { loginCommand } from './commands/account/login.js';
import { logoutCommand } from './commands/account/logout.js';
import { registerCommand } from './commands/account/register.js';
import { sessionsCommand } from './commands/account/sessions.js';
import { exportCommand } from './commands/account/export.js';
import { whoamiCommand } from './commands/account/whoami.js';
import { adminCommand } from './commands/admin/admin.js';
import { searchCommand } from './commands/discover/search.js';
import { tagCommand } from './commands/discover/tag.js';
import { trendingCommand } from './commands/discover/trending.js';
import { followBlockMuteCommands } from './commands/graph/follow-block-mute.js';
import { followersCommands } from './commands/graph/followers.js';
import { requestsCommand } from './commands/graph/requests.js';
import { loadgenCommand } from './commands/loadgen/loadgen.js';
import { notificationsCommand } from './commands/notifications/notifications.js';
import { commentCommands } from './commands/posts/comments.js';
import { modCommands } from './commands/moderation/mod.js';
import { reportCommands } from './commands/moderation/report.js';
import { feedCommand } from './commands/posts/feed.js';
import { likeCommands } from './commands/posts/likes.js';
import { postCommands } from './commands/posts/post.js';
import { uploadCommand } from './commands/posts/upload.js';
import { avatarCommand } from './commands/profiles/avatar.js';
import { editProfileCommand } from './commands/profiles/edit-profile.js';
import { privacyCommand } from './commands/profiles/privacy.js';
import { settingsCommand } from './commands/profiles/settings.js';
import { userCommand } from './commands/profiles/user.js';
import { migrateCommand } from './commands/server/migrate.js';
import { serveCommand } from './commands/server/serve.js';
import { completionCommand } from './commands/setup/completion.js';
import { configCommand } from './commands/setup/config.js';
import { browseCommand } from './commands/terminal-app/browse.js';
import { demoCommand } from './commands/terminal-app/demo.js';
import { COLOR_MODES } from './config-file.js';
import { CLI_VERSION } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { processIo, type Io } from './output.js';

/**
 * Every command, in the order `aperture --help` lists them (and completion offers them). Each
 * folder under commands/ is one noun (account, posts, graph…); its files are named after the
 * commands they add.
 */
const COMMANDS: ((program: Command, action: ActionFactory) => void)[] = [
  serveCommand,
  migrateCommand,
  registerCommand,
  loginCommand,
  logoutCommand,
  whoamiCommand,
  adminCommand,
  uploadCommand,
  postCommands,
  userCommand,
  followBlockMuteCommands,
  requestsCommand,
  followersCommands,
  privacyCommand,
  settingsCommand,
  editProfileCommand,
  avatarCommand,
  sessionsCommand,
  exportCommand,
  likeCommands,
  commentCommands,
  feedCommand,
  tagCommand,
  trendingCommand,
  searchCommand,
  notificationsCommand,
  reportCommands,
  modCommands,
  loadgenCommand,
  browseCommand,
  demoCommand,
  configCommand,
  completionCommand,
];

export function buildProgram(io: Io = processIo): Command {
  const program = new Command('aperture')
    .description('Run an Aperture server and use your account from the terminal.')
    .version(CLI_VERSION, '-V, --version')
    .addOption(
      new Option(
        '--server <url>',
        'the server to talk to (default: the last one signed in to, else http://127.0.0.1:4000)',
      ).env('APERTURE_SERVER'),
    )
    .addOption(
      new Option(
        '--profile <name>',
        'the profile (server and account) to use (default: the last one signed in to, else "default")',
      ).env('APERTURE_PROFILE'),
    )
    .option('--json', 'print data as JSON')
    .option('-q, --quiet', 'print only data and errors (no hints, no progress)')
    .addOption(
      new Option('--color <when>', 'colour the output: auto (a terminal without NO_COLOR), always or never').choices(
        COLOR_MODES,
      ),
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    // Usage errors become exceptions so that run() can exit with 2 instead of commander's 1.
    .exitOverride();

  const action = createActionFactory(io);
  for (const addCommand of COMMANDS) addCommand(program, action);
  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code; never throws. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: Io): number {
  // Commander has printed its own message already.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  const debug = io.env['APERTURE_DEBUG'] === '1';
  const write = (text: string) => io.stderr.write(`${text}\n`);
  if (error instanceof CliError) {
    // An interrupted command has said what it did (`Stopped.`); an empty message is no error line.
    if (error.message !== '') write(`error: ${error.message}`);
  } else if (error instanceof ApertureError) {
    write(`error: ${error.message} (${error.code})`);
    // The server's message already names a lone issue; list the ones it does not.
    for (const issue of error.issues.filter((i) => !error.message.includes(i.message))) {
      write(`  - ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    }
    const hint = retryHint(error);
    if (hint) write(hint);
  } else {
    write(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (debug && error instanceof Error && error.stack) write(error.stack);
  if (debug && error instanceof Error && error.cause instanceof Error && error.cause.stack) write(error.cause.stack);
  return error instanceof CliError ? error.exitCode : EXIT.ERROR;
}

/** What a person can do about the server's failures that pass by themselves (or by its operator). */
function retryHint(error: ApertureError): string | undefined {
  const when = error.retryAfter === undefined ? 'later' : `in ${error.retryAfter} s`;
  if (error.code === 'STORAGE_FULL') {
    return `The server has no disk space for new uploads right now. Try again ${when}, or once its operator has freed some.`;
  }
  if (error.code === 'UNAVAILABLE')
    return `The server's database or storage is unreachable for now. Try again ${when}.`;
  return undefined;
}
