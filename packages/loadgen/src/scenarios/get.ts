import { getJson } from './trpc-get.js';
import type { Scenario, ScenarioContext } from './types.js';

/**
 * A plain GET of one path (`/healthz`, a tRPC query URL…): for comparing with other tools. It sends
 * the run's `headers` (`--header`, `--token`) with every request.
 */
export function getScenario(ctx: ScenarioContext): Scenario {
  const path = ctx.options.path ?? '/healthz';
  const headers = ctx.options.headers ?? {};
  return {
    primary: 'get',
    async iteration(due) {
      await ctx.recorder.timed('get', due, () =>
        getJson(ctx, `${ctx.targetFor(undefined)}${path}`, undefined, headers),
      );
    },
  };
}
