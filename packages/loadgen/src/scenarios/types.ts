import type { ApertureClient, FetchFunction } from '@aperture/sdk';
import type { Dispatcher } from 'undici';
import type { Iteration } from '../engine/loops.js';
import type { Recorder } from '../engine/recorder.js';
import type { ScenarioOptions } from './options.js';

/** What the engine hands a scenario inside its worker thread. */
export interface ScenarioContext {
  options: ScenarioOptions;
  recorder: Recorder;
  /** The worker's own connection pool: every request of this thread goes through it. */
  dispatcher: Dispatcher;
  /** undici's fetch bound to `dispatcher`, typed as the SDK wants it. */
  fetch: FetchFunction;
  /** The base URL the user with `token` sends to (the next in turn for `undefined`: no user). */
  targetFor(token: string | undefined): string;
  /**
   * An SDK client signed in with `token`, sending to its target through this worker's pool.
   * `onResponse` hears the URL of each response as it arrives (headers in), e.g. to time one step
   * of an SDK call that makes several requests.
   */
  client(token: string, onResponse?: (url: string) => void): ApertureClient;
}

export interface Scenario {
  /** The metric the progress line, series and `check` follow (`feed`, `upload`…). */
  primary: string;
  iteration: Iteration;
}
