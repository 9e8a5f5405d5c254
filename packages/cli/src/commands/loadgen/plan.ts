import type { Command } from 'commander';
// The light plan module only (no engine, no database drivers): its flags are needed to build the help.
import { OVERRIDE_FLAGS } from '@aperture/loadgen/plan';
import type { ActionFactory } from '../../command-action.js';
import { UsageError } from '../../exit-codes.js';

/**
 * `aperture loadgen plan [--scenario <id>]`: a design note's figures, the note's own where it states
 * them and derived where it does not; without a scenario, every note's stated figures by line.
 */
export function planCommand(loadgen: Command, action: ActionFactory): void {
  const plan = loadgen
    .command('plan')
    .description(
      "a design note's capacity figures (stated by the note, or derived); all notes' stated figures without --scenario",
    )
    .option(
      '--scenario <id>',
      'instagram-hashtags-2m-posts, instagram-500m-dau, photo-app-1m-dau or instagram-50m-dau (default: list every stated figure)',
    );
  // The override flags come from the plan module, so a new assumption needs no CLI change.
  for (const flag of OVERRIDE_FLAGS) plan.option(`--${flag.flag} <value>`, `override: ${flag.description}`);
  plan.action(
    action<{ scenario?: string } & Record<string, unknown>>(async (ctx, options) => {
      const lg = await import('@aperture/loadgen');
      const overrides = usageOf(() => lg.parseOverrides(options));
      if (options.scenario === undefined) {
        if (Object.keys(overrides).length > 0) throw new UsageError('overrides need a --scenario to apply to.');
        const plans = lg.SCENARIO_IDS.map((id) => lg.plan(lg.SCENARIOS[id]));
        ctx.out.data(lg.formatStatedFigures(plans), lg.statedFigures(plans));
        return;
      }
      const id = options.scenario;
      const found = usageOf(() => lg.lookupScenario(id));
      const warning = lg.deprecationWarning(found);
      if (warning !== null) ctx.out.error(warning);
      const result = usageOf(() => lg.plan(found.scenario, overrides));
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
