import type { Command } from 'commander';
// The light plan module only (no engine, no database drivers): its flags are needed to build the help.
import { OVERRIDE_FLAGS } from '@aperture/loadgen/plan';
import type { ActionFactory } from '../../command-action.js';
import { UsageError } from '../../exit-codes.js';

/** `aperture loadgen plan --scenario <id>`: a design note's figures, re-derived from its assumptions. */
export function planCommand(loadgen: Command, action: ActionFactory): void {
  const plan = loadgen
    .command('plan')
    .description("re-derive a design note's figures (rates, storage, bandwidth) from its assumptions")
    .requiredOption('--scenario <id>', 'seed-001, seed-002 or seed-003');
  // The override flags come from the plan module, so a new assumption needs no CLI change.
  for (const flag of OVERRIDE_FLAGS) plan.option(`--${flag.flag} <value>`, `override: ${flag.description}`);
  plan.action(
    action<{ scenario: string } & Record<string, unknown>>(async (ctx, options) => {
      const lg = await import('@aperture/loadgen');
      const scenario = usageOf(() => lg.findScenario(options.scenario));
      const overrides = usageOf(() => lg.parseOverrides(options));
      const result = lg.plan(scenario, overrides);
      ctx.out.data(lg.formatPlan(result), result);
    }),
  );
}

/** Turns the plan module's errors (an unknown scenario, a bad override) into usage errors (exit 2). */
function usageOf<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
