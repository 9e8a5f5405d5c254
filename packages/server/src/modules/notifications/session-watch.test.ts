import { describe, expect, it } from 'vitest';
import { SessionWatch } from './session-watch.js';

function watchOver(active: Set<string>, failing = { now: false }, asked: string[][] = []) {
  const errors: string[] = [];
  const watch = new SessionWatch({
    sessions: {
      active: async (ids) => {
        asked.push([...ids]);
        if (failing.now) throw new Error('database down');
        return new Set(ids.filter((id) => active.has(id)));
      },
    },
    // Never fires during a test: checks are called by hand.
    intervalMs: 3_600_000,
    log: { error: (_obj, msg) => errors.push(msg) },
  });
  return { watch, errors };
}

describe('SessionWatch', () => {
  it('ends every stream of a session ended in this process, once, and only that session', () => {
    const { watch } = watchOver(new Set(['a', 'b']));
    const ended: string[] = [];
    watch.watch('a', () => ended.push('a1'));
    watch.watch('a', () => ended.push('a2'));
    watch.watch('b', () => ended.push('b'));
    watch.end('a');
    watch.end('a');
    expect(ended).toEqual(['a1', 'a2']);
    expect(watch.watched).toBe(1);
    watch.stop();
  });

  it('ends the streams of sessions the database no longer holds, and keeps the rest', async () => {
    const active = new Set(['a', 'b']);
    const failing = { now: false };
    const { watch, errors } = watchOver(active, failing);
    const ended: string[] = [];
    watch.watch('a', () => ended.push('a'));
    const stopB = watch.watch('b', () => ended.push('b'));
    await watch.check();
    expect(ended).toEqual([]);

    // A failed look ends nothing (each stream checks again before it delivers).
    active.delete('a');
    failing.now = true;
    await watch.check();
    expect(ended).toEqual([]);
    expect(errors).toEqual(['live stream session check failed']);

    failing.now = false;
    await watch.check();
    expect(ended).toEqual(['a']);
    expect(await watch.isActive('a')).toBe(false);
    expect(await watch.isActive('b')).toBe(true);
    stopB();
    expect(watch.watched).toBe(0);
  });

  it('rechecks only a session another process says ended, only when it has streams here, and trusts the database', async () => {
    const active = new Set(['a', 'b']);
    const asked: string[][] = [];
    const { watch } = watchOver(active, { now: false }, asked);
    const ended: string[] = [];
    watch.watch('a', () => ended.push('a'));
    watch.watch('b', () => ended.push('b'));

    await watch.recheck('elsewhere');
    expect(asked).toEqual([]);
    // A wake-up is a hint: the session still holds, so its streams stay.
    await watch.recheck('a');
    expect(ended).toEqual([]);
    active.delete('a');
    await watch.recheck('a');
    expect(ended).toEqual(['a']);
    expect(asked).toEqual([['a'], ['a']]);
    watch.stop();
  });
});
