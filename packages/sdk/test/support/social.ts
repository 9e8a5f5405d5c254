import { createClient, type ApertureClient, type FetchFunction } from '../../src/index.js';

export interface Member {
  client: ApertureClient;
  username: string;
  id: string;
}

let counter = 0;

/** A freshly registered, signed-in user with a unique name. */
export async function member(url: string, prefix: string, fetchImpl?: FetchFunction): Promise<Member> {
  counter += 1;
  const username = `${prefix}_${process.pid}_${counter}`;
  const client = createClient({ url, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const { user } = await client.auth.register({
    username,
    email: `${username}@example.com`,
    password: 'correct horse battery staple',
  });
  return { client, username, id: user.id };
}
