import { Command, CommanderError, Option } from 'commander';
import { ApertureError } from '@aperture/sdk';
import { adminCommand } from './commands/admin.js';
import { avatarCommand } from './commands/avatar.js';
import { browseCommand } from './commands/browse.js';
import { completionCommand } from './commands/completion.js';
import { configCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { discoverCommands } from './commands/discover.js';
import { editProfileCommand } from './commands/edit-profile.js';
import { feedCommand } from './commands/feed.js';
import { engagementCommands } from './commands/engagement.js';
import { graphCommands } from './commands/graph.js';
import { loadgenCommand } from './commands/loadgen.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { migrateCommand } from './commands/migrate.js';
import { notificationsCommand } from './commands/notifications.js';
import { peopleCommands } from './commands/people.js';
import { postCommand } from './commands/post.js';
import { privacyCommand } from './commands/privacy.js';
import { registerCommand } from './commands/register.js';
import { serveCommand } from './commands/serve.js';
import { sessionsCommand } from './commands/sessions.js';
import { uploadCommand } from './commands/upload.js';
import { userCommand } from './commands/user.js';
import { whoamiCommand } from './commands/whoami.js';
import { COLOR_MODES } from './config-file.js';
import { CLI_VERSION, createContext, type CliContext, type GlobalOptions } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { explainFailure } from './explain-failure.js';
import { processIo, type Io } from './output.js';

/** Adds a command's action: builds the context from the global options, then runs `body`. */
export type CommandAction<O> = (ctx: CliContext, options: O) => Promise<void>;
export type ActionFactory = <O>(body: CommandAction<O>) => (options: O, command: Command) => Promise<void>;

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

  const action: ActionFactory = (body) => async (options, command) => {
    const ctx = await createContext(
      io,
      command.optsWithGlobals<GlobalOptions>(),
      command.getOptionValueSourceWithGlobals('server'),
    );
    try {
      await body(ctx, options);
    } catch (error) {
      // One place for every command: sign-in, validation and unreachable-server messages alike.
      throw explainFailure(ctx, command, error);
    }
  };

  serveCommand(program, action);
  migrateCommand(program, action);
  registerCommand(program, action);
  loginCommand(program, action);
  logoutCommand(program, action);
  whoamiCommand(program, action);
  adminCommand(program, action);
  uploadCommand(program, action);
  postCommand(program, action);
  userCommand(program, action);
  graphCommands(program, action);
  peopleCommands(program, action);
  privacyCommand(program, action);
  editProfileCommand(program, action);
  avatarCommand(program, action);
  sessionsCommand(program, action);
  engagementCommands(program, action);
  feedCommand(program, action);
  discoverCommands(program, action);
  notificationsCommand(program, action);
  loadgenCommand(program, action);
  browseCommand(program, action);
  demoCommand(program, action);
  configCommand(program, action);
  completionCommand(program, action);
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
