import type { ScenarioOptions } from './options.js';

/** Every base URL a run sends load to: `targets` when given, else `target` alone. */
export function targetsOf(options: Pick<ScenarioOptions, 'target' | 'targets'>): string[] {
  return options.targets !== undefined && options.targets.length > 0 ? options.targets : [options.target];
}

/** How a run's targets are named in its output: one URL, or all of them separated by commas. */
export function describeTargets(options: Pick<ScenarioOptions, 'target' | 'targets'>): string {
  return targetsOf(options).join(', ');
}

/**
 * Spreads load over several api processes of one deployment when no load balancer stands in front
 * of them. Each virtual user (a session token) is given the next target in turn the first time it
 * acts and keeps it, as a balancer with sticky sessions would; requests made as nobody take the
 * next target each. One assigner per worker thread: users are spread evenly within each.
 */
export class TargetAssigner {
  private readonly byUser = new Map<string, string>();
  private turn = 0;
  private readonly targets: string[];

  constructor(targets: string[]) {
    if (targets.length === 0) throw new RangeError('at least one target is needed');
    this.targets = [...targets];
  }

  /** The target of the user with `token`, or the next one in turn for `undefined` (no user). */
  targetFor(token: string | undefined): string {
    if (token === undefined) return this.next();
    let target = this.byUser.get(token);
    if (target === undefined) {
      target = this.next();
      this.byUser.set(token, target);
    }
    return target;
  }

  private next(): string {
    const target = this.targets[this.turn % this.targets.length]!;
    this.turn += 1;
    return target;
  }
}
