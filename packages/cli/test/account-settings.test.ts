import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PrivateUser, Profile, SessionInfo } from '@aperture/sdk';
import { createCliHome, runOnTerminal, type CliHome } from './support/cli.js';
import { photo, socialWorld } from './support/social.js';

const world = socialWorld();
const PASSWORD = 'correct horse battery staple';

/** Signs `home` in as `username` (a second device of the same account). */
function signIn(home: CliHome, username: string) {
  return home.run(['login', '--username', username, '--password-stdin', '--server', world.server.url], {
    input: PASSWORD,
  });
}

describe('aperture edit-profile', () => {
  it('changes the display name, bio and privacy others see, leaving the rest as it was', async () => {
    const ada = await world.someone('editor');
    const bob = await world.someone('reader');
    const edited = await ada.run(['edit-profile', '--display-name', 'Ada Lovelace', '--bio', 'Engines, mostly.']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toBe(`Updated your profile: Ada Lovelace (@${ada.username})\nEngines, mostly.\n`);

    const me = await ada.json<PrivateUser>(['edit-profile', '--private']);
    expect(me).toMatchObject({ displayName: 'Ada Lovelace', bio: 'Engines, mostly.', isPrivate: true });
    const seen = await bob.json<Profile>(['user', ada.username]);
    expect(seen.user).toMatchObject({ displayName: 'Ada Lovelace', bio: 'Engines, mostly.', isPrivate: true });
    expect(await bob.json(['follow', ada.username])).toMatchObject({ state: 'pending' });

    const cleared = await ada.json<PrivateUser>(['edit-profile', '--bio', '', '--public']);
    expect(cleared).toMatchObject({ displayName: 'Ada Lovelace', bio: '', isPrivate: false });
  });

  it('exits 2 with nothing to change or both --private and --public, 1 for what the server refuses', async () => {
    const ada = await world.someone('usage');
    const nothing = await ada.run(['edit-profile']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
    const both = await ada.run(['edit-profile', '--private', '--public']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("'--private' cannot be used with option '--public'");
    const long = await ada.run(['edit-profile', '--bio', 'x'.repeat(151)]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('Bio must be at most 150 characters. (VALIDATION_FAILED)');
  });
});

describe('aperture avatar', () => {
  it('uploads an image, makes it the avatar everyone sees, and removes it with --remove', async () => {
    const ada = await world.someone('face');
    const file = await photo(ada, 'me.jpg', 5);
    const set = await ada.run(['avatar', file]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^Your avatar is now me\.jpg \(media \d+\): http:\/\/\S+\/media\/\d+\/thumb\.jpg\n$/);
    // Off a terminal: one line once the file is up, as `upload` prints.
    expect(set.stderr).toMatch(/^me\.jpg: [\d.]+ k?B sent, ready\n$/);

    const profile = await (await world.someone('viewer')).json<Profile>(['user', ada.username]);
    expect(profile.user.avatar?.jpg).toMatch(/\/thumb\.jpg$/);
    // Public: anyone may fetch it without a token.
    expect((await fetch(profile.user.avatar!.jpg)).status).toBe(200);

    // The same bytes again: nothing is sent, the avatar is set all the same.
    const again = await ada.json<{ mediaId: string; avatar: unknown }>(['avatar', file]);
    expect(again.avatar).toEqual(profile.user.avatar);

    const removed = await ada.run(['avatar', '--remove']);
    expect(removed.stdout).toBe('Removed your avatar.\n');
    expect((await ada.json<Profile>(['user', ada.username])).user.avatar).toBeNull();
  });

  it('draws a progress bar on a terminal', async () => {
    const ada = await world.someone('bar');
    const screen = await runOnTerminal(['avatar', await photo(ada, 'bar.jpg', 9)], ada.home.env);
    expect(screen).toMatch(/bar\.jpg {2}[█░]{10}/);
    expect(screen).toContain('Your avatar is now bar.jpg');
  });

  it('exits 2 without a file or with a file and --remove, 1 for a missing file or one not an image, 4 signed out', async () => {
    const ada = await world.someone('noface');
    expect((await ada.run(['avatar'])).code).toBe(2);
    expect((await ada.run(['avatar', 'x.jpg', '--remove'])).code).toBe(2);
    const missing = await ada.run(['avatar', join(ada.home.dir, 'nope.jpg')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.jpg: no such file (nothing was sent).');
    const notes = join(ada.home.dir, 'config', 'aperture', 'config.json');
    const text = await ada.run(['avatar', notes]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('(UNSUPPORTED_MEDIA_TYPE)');

    const stranger = await createCliHome();
    try {
      const out = await stranger.run(['avatar', '--remove', '--server', world.server.url]);
      expect(out.code).toBe(4);
      expect(out.stderr).toContain('Sign in with: aperture login');
    } finally {
      await stranger.cleanup();
    }
  });
});

describe('aperture sessions', () => {
  it('lists the sessions with this one marked, revokes another, and signs out here when revoking this one', async () => {
    const ada = await world.someone('roamer');
    // A second sign-in of the same account, from another home (another laptop).
    const laptop = await createCliHome();
    try {
      const login = await signIn(laptop, ada.username);
      expect(login.code, login.stderr).toBe(0);

      const sessions = await ada.json<SessionInfo[]>(['sessions']);
      expect(sessions).toHaveLength(2);
      const [other, mine] = [sessions.find((s) => !s.current)!, sessions.find((s) => s.current)!];
      expect(mine.userAgent).toMatch(/^aperture-cli\//);

      // Piped: id, current/other, signed in, last used, expires, address, client.
      const piped = (await ada.run(['sessions'])).stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      expect(piped.map((row) => [row[0], row[1]])).toEqual(
        sessions.map((s) => [s.id, s.current ? 'current' : 'other']),
      );
      expect(piped[0]?.[5]).toBe('127.0.0.1');
      const screen = await runOnTerminal(['sessions', '--color', 'never'], ada.home.env);
      expect(screen).toMatch(new RegExp(`\\* {2}${mine.id} {2}`));
      expect(screen).toMatch(/SESSION {2,}SIGNED IN {2,}LAST USED {2,}FROM {2,}CLIENT/);

      const revoked = await ada.run(['sessions', 'revoke', other.id]);
      expect(revoked.stdout).toBe(`Revoked session ${other.id}.\n`);
      // The laptop's token is dead: its next command says so, exits 4 and forgets it.
      const ended = await laptop.run(['whoami']);
      expect(ended.code).toBe(4);
      expect(ended.stderr).toContain('has ended');
      expect((await ada.json<SessionInfo[]>(['sessions'])).map((s) => s.id)).toEqual([mine.id]);

      const again = await ada.run(['sessions', 'revoke', other.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('(NOT_FOUND)');

      const self = await ada.json<{ revoked: string[]; current: boolean }>(['sessions', 'revoke', mine.id]);
      expect(self).toEqual({ revoked: [mine.id], current: true });
      // Signed out here too: the token is gone from the config file, and commands ask to sign in.
      const config = JSON.parse(await readFile(join(ada.home.configDir, 'aperture', 'config.json'), 'utf8')) as {
        profiles: Record<string, { token?: string }>;
      };
      expect(config.profiles['default']?.token).toBeUndefined();
      const after = await ada.run(['sessions']);
      expect(after.code).toBe(4);
      expect(after.stderr).toContain(`Not signed in to ${world.server.url}`);
    } finally {
      await laptop.cleanup();
    }
  });

  it('revokes every other session with --others, and exits 2 for a bad id or no id', async () => {
    const ada = await world.someone('many');
    const homes = await Promise.all([createCliHome(), createCliHome()]);
    try {
      for (const home of homes) {
        const login = await signIn(home, ada.username);
        expect(login.code, login.stderr).toBe(0);
      }
      const others = await ada.json<{ revoked: string[]; current: boolean }>(['sessions', 'revoke', '--others']);
      expect(others.revoked).toHaveLength(2);
      expect(others.current).toBe(false);
      expect((await ada.json<SessionInfo[]>(['sessions'])).map((s) => s.current)).toEqual([true]);
      expect((await homes[0].run(['whoami'])).code).toBe(4);
      expect((await ada.run(['sessions', 'revoke', '--others'])).stdout).toBe('No other sessions to revoke.\n');

      expect((await ada.run(['sessions', 'revoke'])).code).toBe(2);
      expect((await ada.run(['sessions', 'revoke', 'abc'])).code).toBe(2);
      expect((await ada.run(['sessions', 'revoke', '1', '--others'])).code).toBe(2);
    } finally {
      await Promise.all(homes.map((h) => h.cleanup()));
    }
  });
});

describe('aperture settings', () => {
  it('prints the account settings and turns "always show sensitive media" on and off', async () => {
    const ada = await world.someone('settings');
    const shown = await ada.run(['settings']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('sensitive media: covered until you ask');
    expect(await ada.json(['settings'])).toEqual({ username: ada.username, isPrivate: false, showSensitive: false });

    const on = await ada.run(['settings', '--show-sensitive', 'on']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('sensitive media: always shown');
    expect(await ada.json<{ user: PrivateUser }>(['whoami'])).toMatchObject({ user: { showSensitive: true } });
    expect(await ada.json(['settings', '--show-sensitive', 'off'])).toMatchObject({ showSensitive: false });

    const wrong = await ada.run(['settings', '--show-sensitive', 'maybe']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('maybe');
  });
});
