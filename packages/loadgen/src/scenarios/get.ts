import { clock } from '../engine/clock.js';
import { getJson } from './trpc-get.js';
import type { Scenario, ScenarioContext } from './types.js';

/** A plain GET of one path (`/healthz`, a tRPC query URL…): for comparing with other tools. */
export function getScenario(ctx: ScenarioContext): Scenario {
  const path = ctx.options.path ?? '/healthz';
  return {
    primary: 'get',
    async iteration(due) {
      await getJson(ctx, `${ctx.targetFor(undefined)}${path}`, undefined);
      const now = clock();
      ctx.recorder.latency('get', now - due, now);
    },
  };
}
