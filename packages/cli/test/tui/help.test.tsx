import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  KEYMAP,
  SCREENS,
  bindingsFor,
  bindingsOf,
  displayKeys,
  footerHints,
  keyTableMarkdown,
  resolveKey,
} from '../../src/tui/keymap.js';
import { tuiWorld } from './support.js';

const world = tuiWorld();
// The first account of an instance is its admin: the people below are plain users, as most are
// (a moderator's own keys are in moderation.test.tsx).
beforeAll(() => world.user('admin'));
const USER_KEYS = bindingsOf('user');

describe('browse: keymap and help', () => {
  it('the ? overlay lists every key of the keymap with its description', async () => {
    const ada = await world.user('helpful');
    const app = world.mount(ada);
    await app.until('Your feed is empty');
    await app.press('?');
    const frame = await app.until('Keys (any key closes this help)');
    for (const binding of USER_KEYS) {
      expect(frame).toContain(`${displayKeys(binding).padEnd(10)} ${binding.description}`);
    }
    await app.press('x');
    await app.until((f) => !f.includes('Keys (any key') && f.includes('Your feed is empty'));
  });

  it('lays the keys out in two columns on a terminal too short for one', async () => {
    const ada = await world.user('shorthelp');
    const app = world.mount(ada);
    await app.until('Your feed is empty');
    app.resize(160, 16);
    await app.press('?');
    const frame = await app.until('Keys (any key closes this help)');
    // Every key is there, the first and the last binding side by side on the first row.
    for (const binding of USER_KEYS) expect(frame).toContain(`${displayKeys(binding).padEnd(10)} `);
    const half = Math.ceil(USER_KEYS.length / 2);
    const firstRow = frame.split('\n').find((line) => line.includes(USER_KEYS[0]!.description)) ?? '';
    expect(firstRow).toContain(USER_KEYS[half]!.description);
    expect(frame.split('\n').length).toBeLessThanOrEqual(16);
  });

  it('every key resolves to its action on the screens it is bound for, and the footer hints come from it', () => {
    const keyEvents: Record<string, [string, Record<string, boolean>]> = {
      up: ['', { upArrow: true }],
      down: ['', { downArrow: true }],
      left: ['', { leftArrow: true }],
      right: ['', { rightArrow: true }],
      enter: ['\r', { return: true }],
      esc: ['', { escape: true }],
      'ctrl+c': ['c', { ctrl: true }],
    };
    for (const screen of SCREENS) {
      for (const binding of bindingsFor(screen)) {
        for (const name of binding.keys) {
          const [input, flags] = keyEvents[name] ?? [name, {}];
          expect(resolveKey(screen, input, flags)?.action, `${name} on ${screen}`).toBe(binding.action);
        }
      }
      for (const hinted of bindingsFor(screen).filter((b) => b.hint))
        expect(footerHints(screen)).toContain(hinted.hint);
    }
    // A key bound for some screens only does nothing elsewhere.
    expect(resolveKey('feed', 'a', {})).toBeNull();
    expect(resolveKey('requests', 'a', {})?.action).toBe('approve');
    // The moderators' keys are theirs (and admins') only: for a user they do nothing.
    expect(KEYMAP.filter((b) => !USER_KEYS.includes(b)).map((b) => b.action)).toEqual([
      'moderation',
      'modList',
      'modAct',
    ]);
    expect(resolveKey('feed', 'M', {}, 'user')).toBeNull();
    expect(resolveKey('moderation', 'x', {}, 'user')).toBeNull();
    expect(resolveKey('feed', 'M', {}, 'moderator')?.action).toBe('moderation');
    expect(resolveKey('moderation', 'x', {}, 'admin')?.action).toBe('modAct');
    expect(footerHints('moderation', 'user')).not.toContain('act');
    expect(footerHints('moderation', 'moderator')).toContain('x act');
  });

  it('q on the home feed quits, after going back from a pushed screen', async () => {
    const ada = await world.user('quitter');
    const app = world.mount(ada);
    await app.until('Your feed is empty');
    await app.press('n');
    await app.until('No notifications yet.');
    await app.press('q');
    await app.until((f) => f.includes('Your feed is empty'));
    await app.press('q');
    // Ink's exit() unmounts: the last frame stays, and keys no longer do anything.
    await app.press('n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.frame()).not.toContain('No notifications yet.');
  });

  it('docs/cli.md lists every key, as the keymap generates the table', () => {
    const docs = readFileSync(new URL('../../../../docs/cli.md', import.meta.url), 'utf8');
    expect(docs).toContain(keyTableMarkdown());
  });
});
