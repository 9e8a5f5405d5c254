import type { Command } from 'commander';
import type { ActionFactory } from '../../command-action.js';
import { checkCommand } from './check.js';
import { planCommand } from './plan.js';
import { runCommand } from './run.js';
import { seedCommand } from './seed.js';

/** `aperture loadgen run|check|plan|seed`: the load generator (docs/loadgen.md), from the CLI. */
export function loadgenCommand(program: Command, action: ActionFactory): void {
  const loadgen = program
    .command('loadgen')
    .description('measure a deployment with open-model load, and check it against the design notes');
  runCommand(loadgen, action);
  checkCommand(loadgen, action);
  planCommand(loadgen, action);
  seedCommand(loadgen, action);
}
