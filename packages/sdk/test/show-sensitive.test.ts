import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../server/test/support/databases.js';
import { startTestServer, type TestServer } from '../../server/test/support/server.js';
import { createClient, ValidationError, type UpdateAccountInput } from '../src/index.js';
import { failure } from './support/failure.js';
import { member } from './support/social.js';

/** "Always show sensitive media" is a setting of the account, kept by the server. */
describe.each(DIALECTS)('the showSensitive account setting on $name', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ dialect });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is off by default, turns on and off, and is the same in every session of the account', async () => {
    const ana = await member(t.url, 'ana');
    expect((await ana.client.me()).showSensitive).toBe(false);
    const updated = await ana.client.accounts.update({ showSensitive: true });
    expect(updated).toMatchObject({ showSensitive: true, isPrivate: false });

    const laptop = createClient({ url: t.url });
    const login = await laptop.auth.login({ username: ana.username, password: 'correct horse battery staple' });
    expect(login.user.showSensitive).toBe(true);
    expect((await laptop.me()).showSensitive).toBe(true);

    // Other fields leave it alone; false turns it off.
    expect((await laptop.accounts.update({ bio: 'Harbour light' })).showSensitive).toBe(true);
    expect((await ana.client.accounts.updateProfile({ showSensitive: false })).showSensitive).toBe(false);
    expect((await laptop.me()).showSensitive).toBe(false);
    // Nobody else sees it: it is not part of a public profile.
    const ben = await member(t.url, 'ben');
    const profile = await ben.client.users.profile({ username: ana.username });
    expect(profile.user).not.toHaveProperty('showSensitive');
  });

  it('refuses anything but a boolean, and an update with nothing in it', async () => {
    const ana = await member(t.url, 'strict');
    const wrong = await failure(() =>
      ana.client.accounts.update({ showSensitive: 'yes' } as unknown as UpdateAccountInput),
    );
    expect(wrong).toBeInstanceOf(ValidationError);
    expect((await failure(() => ana.client.accounts.update({}))).code).toBe('VALIDATION_FAILED');
    expect((await ana.client.me()).showSensitive).toBe(false);
  });
});
