import type { Command } from 'commander';
import { createContext, type CliContext, type GlobalOptions } from './context.js';
import { explainFailure } from './explain-failure.js';
import type { Io } from './output.js';

/** What a command does once commander has parsed it: `options` are its own, the context the global ones. */
export type CommandAction<O> = (ctx: CliContext, options: O) => Promise<void>;

/**
 * Turns a command's body into commander's action callback. Every command file takes one, so that
 * the way a context is built and a failure is explained is the same for all of them.
 */
export type ActionFactory = <O>(body: CommandAction<O>) => (options: O, command: Command) => Promise<void>;

/** The one action factory of a program writing to `io`. */
export function createActionFactory(io: Io): ActionFactory {
  return (body) => async (options, command) => {
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
}
