import { describe, expect, it } from 'vitest';
import type { PublicUser } from '@aperture/sdk';
import { createCliHome, runOnTerminal } from './support/cli.js';
import { socialWorld, type Person } from './support/social.js';

const world = socialWorld();

/** The first field of every piped line. */
function firstColumn(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[0] ?? '');
}

describe('aperture followers and following', () => {
  it('lists who follows someone and whom they follow: newest first, piped, as a table, and as JSON', async () => {
    const ada = await world.someone('star');
    const fans: Person[] = [];
    for (let i = 0; i < 3; i++) {
      const fan = await world.someone('fan');
      expect((await fan.run(['follow', ada.username])).code).toBe(0);
      fans.push(fan);
    }
    await ada.run(['edit-profile', '--display-name', 'Ada L', '--bio', 'Engines\tand looms']);
    const [first, second, third] = fans.map((f) => f.username);

    // Piped: username, display name, bio; tabs in text become spaces.
    const piped = await fans[0]!.run(['followers', ada.username]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(firstColumn(piped.stdout)).toEqual([third, second, first]);
    expect(piped.stdout.split('\n')[0]).toBe(`${third}\t${third}\t`);

    const following = await fans[0]!.run(['following', `@${fans[0]!.username}`]);
    expect(following.stdout).toBe(`${ada.username}\tAda L\tEngines and looms\n`);
    // Without a name, the signed-in account's own lists.
    expect(firstColumn((await ada.run(['followers'])).stdout)).toEqual([third, second, first]);
    expect((await fans[1]!.run(['following'])).stdout.split('\t')[0]).toBe(ada.username);

    const json = await fans[2]!.json<PublicUser[]>(['followers', ada.username]);
    expect(json.map((u) => u.username)).toEqual([third, second, first]);
    expect(json[0]).toMatchObject({ username: third, isPrivate: false, avatar: null });

    const screen = await runOnTerminal(['followers', ada.username, '--color', 'never'], ada.home.env);
    expect(screen).toMatch(/USER {2,}NAME {2,}BIO/);
    expect(screen).toContain(third);
  });

  it('stops at --limit and says on stderr how to see more', async () => {
    const ada = await world.someone('few');
    for (let i = 0; i < 3; i++) await (await world.someone('f')).run(['follow', ada.username]);
    const limited = await ada.run(['followers', '--limit', '2']);
    expect(limited.code).toBe(0);
    expect(firstColumn(limited.stdout)).toHaveLength(2);
    expect(limited.stderr).toBe('… more: aperture followers --limit 4\n');
    const named = await ada.run(['following', ada.username, '-n', '1']);
    expect(named.stdout).toBe('');
    expect(named.stderr).toBe(`@${ada.username} follows no one yet.\n`);
    const all = await ada.run(['followers', ada.username, '--limit', '3']);
    expect(firstColumn(all.stdout)).toHaveLength(3);
    expect(all.stderr).toBe('');
    expect((await ada.run(['followers', '--limit', '0'])).code).toBe(2);
  });

  it("hides a private account's lists from those who do not follow it; reads public ones signed out", async () => {
    const ada = await world.someone('closed');
    const bob = await world.someone('outsider');
    const cy = await world.someone('insider');
    await cy.run(['follow', ada.username]);
    expect((await ada.run(['privacy', 'private'])).code).toBe(0);

    const refused = await bob.run(['followers', ada.username]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('(NOT_FOUND)');
    expect(firstColumn((await cy.run(['followers', ada.username])).stdout)).toEqual([cy.username]);

    const stranger = await createCliHome();
    try {
      const server = ['--server', world.server.url];
      const open = await stranger.run(['following', cy.username, ...server]);
      expect(open.code, open.stderr).toBe(0);
      expect(firstColumn(open.stdout)).toEqual([ada.username]);
      // "Yours" needs an account: exit 4 with the sign-in hint.
      const mine = await stranger.run(['followers', ...server]);
      expect(mine.code).toBe(4);
      expect(mine.stderr).toContain('aperture login --username <you>');
    } finally {
      await stranger.cleanup();
    }
  });
});
