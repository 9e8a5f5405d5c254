import type { FetchFunction } from '@aperture/sdk';
import { createClient } from '@aperture/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { createScenario } from '../scenarios/index.js';
import { TargetAssigner, targetsOf } from '../scenarios/targets.js';
import type { ScenarioContext } from '../scenarios/types.js';
import { closedLoop, openLoop } from './loops.js';
import { Recorder } from './recorder.js';
import type { ShardResult, ShardTask, StartMessage } from './types.js';

/**
 * A piscina task: one worker thread runs one whole shard of the run, with its own connection pool,
 * so that the main thread only merges and the shards do not share an event loop.
 */
export default async function runShard(task: ShardTask): Promise<ShardResult> {
  const recorder = new Recorder();
  const timeoutMs = task.options.timeoutMs;
  const dispatcher = new Agent({
    connections: task.maxInFlight,
    keepAliveTimeout: 10_000,
    ...(timeoutMs === undefined
      ? {}
      : { connectTimeout: timeoutMs, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
  });
  // undici's own fetch, so that the pool above is used; its types differ from the DOM ones only
  // in details the SDK does not touch.
  const fetch = ((input: Parameters<FetchFunction>[0], init?: Parameters<FetchFunction>[1]) =>
    undiciFetch(input as never, { ...init, dispatcher } as never)) as unknown as FetchFunction;
  const targets = new TargetAssigner(targetsOf(task.options));
  const ctx: ScenarioContext = {
    options: task.options,
    recorder,
    dispatcher,
    fetch,
    targetFor: (token) => targets.targetFor(token),
    client: (token, onResponse) =>
      createClient({
        url: targets.targetFor(token),
        token,
        fetch: onResponse ? observed(fetch, onResponse) : fetch,
        // A retried request would hide the failure the run is meant to count.
        retry: { retries: 0 },
        userAgent: 'aperture-loadgen',
      }),
  };
  const scenario = createScenario(task.scenario, ctx);
  recorder.primary = scenario.primary;
  // Every shard is loaded and set up before the clock starts: a thread still compiling modules
  // when its first requests fall due would count them late through no fault of the server.
  const started = new Promise<StartMessage>((resolve) => task.port.once('message', resolve));
  task.port.postMessage('ready');
  const { startAt } = await started;
  recorder.startAt = startAt;
  const timer = setInterval(() => task.port.postMessage(recorder.snapshot(task.shard)), 1000);
  try {
    if (task.model.kind === 'open') {
      await openLoop({
        stages: task.model.stages,
        shard: task.shard,
        of: task.of,
        startAt,
        maxInFlight: task.maxInFlight,
        lateAfterMs: task.lateAfterMs,
        recorder,
        iteration: scenario.iteration,
      });
    } else {
      await closedLoop({
        users: task.model.users,
        seconds: task.model.seconds,
        startAt,
        recorder,
        iteration: scenario.iteration,
      });
    }
    return recorder.result();
  } finally {
    clearInterval(timer);
    task.port.close();
    await dispatcher.close();
  }
}

/** `fetch` that tells `onResponse` the URL of each response once its headers are in. */
function observed(fetch: FetchFunction, onResponse: (url: string) => void): FetchFunction {
  return async (input, init) => {
    const response = await fetch(input, init);
    onResponse(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return response;
  };
}
