import { clock, sleepUntil } from './clock.js';
import type { Recorder } from './recorder.js';
import { intendedStarts, type Stage } from './schedule.js';

/** One unit of work of a scenario; `due` is when it should have started (wall-clock ms). */
export type Iteration = (due: number) => Promise<void>;

/**
 * The open model: start each request at its intended time whatever the server is doing, and let
 * the scenario time it from that intended time. A server that stalls for 2 s therefore shows
 * 2 s of latency on every request due during the stall, instead of the load generator politely
 * waiting and recording only the one slow request (coordinated omission).
 */
export async function openLoop(options: {
  stages: Stage[];
  shard: number;
  of: number;
  startAt: number;
  maxInFlight: number;
  lateAfterMs: number;
  recorder: Recorder;
  iteration: Iteration;
}): Promise<void> {
  const { recorder } = options;
  const inFlight = new Set<Promise<void>>();
  let scheduled = 0;
  for (const offset of intendedStarts(options.stages, options.shard, options.of)) {
    scheduled += 1;
    const due = options.startAt + offset;
    const spunMs = await sleepUntil(due);
    if (inFlight.size >= options.maxInFlight) {
      recorder.dropped();
      continue;
    }
    const sentAt = clock();
    recorder.sent(due, sentAt, spunMs);
    if (sentAt - due > options.lateAfterMs) recorder.counts.late += 1;
    recorder.counts.started += 1;
    const request = run(options.iteration, due, recorder).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  recorder.counts.scheduled = scheduled;
  await Promise.all(inFlight);
}

/**
 * The closed model, kept to show what it gets wrong: each user sends its next request only when
 * the previous one answered, and latency counts from the send. A slow server slows the load down
 * with it, so queueing never shows in the numbers.
 */
export async function closedLoop(options: {
  users: number;
  seconds: number;
  startAt: number;
  recorder: Recorder;
  iteration: Iteration;
}): Promise<void> {
  const { recorder } = options;
  const endAt = options.startAt + options.seconds * 1000;
  await sleepUntil(options.startAt);
  const user = async () => {
    while (clock() < endAt) {
      recorder.counts.scheduled += 1;
      recorder.counts.started += 1;
      await run(options.iteration, clock(), recorder);
    }
  };
  await Promise.all(Array.from({ length: options.users }, user));
}

async function run(iteration: Iteration, due: number, recorder: Recorder): Promise<void> {
  try {
    await iteration(due);
    recorder.succeeded(clock());
  } catch (error) {
    recorder.failed(error, clock(), due);
  }
}
