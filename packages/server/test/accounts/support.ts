import { createHash } from 'node:crypto';
import { uploadReady } from '../support/media.js';
import { photo } from '../fixtures/images.js';
import { callTrpc, type TestServer } from '../support/server.js';
import { signUp, type SignedUp } from '../support/users.js';

/** The storage pairs a deployment runs on: SQLite with media on disk, Postgres with media on S3. */
export const mediaFor = (dialect: { name: string }): 'disk' | 's3' => (dialect.name === 'sqlite' ? 'disk' : 's3');

/** Calls for the account-data suites on one test server. */
export function accountWorld(server: () => TestServer, prefix: string) {
  let n = 0;
  const call = async <T = unknown>(
    who: SignedUp | null,
    path: string,
    input?: unknown,
    type: 'query' | 'mutation' = 'mutation',
  ) => {
    const res = await callTrpc<T>(server().url, path, { token: who?.token, input, type });
    if (!res.body.result) throw new Error(`${path}: ${JSON.stringify(res.body)}`);
    return res.body.result.data;
  };
  /** The app code a call fails with (undefined when it succeeds). */
  const refusal = async (
    who: SignedUp | null,
    path: string,
    input?: unknown,
    type: 'query' | 'mutation' = 'mutation',
  ) => {
    const res = await callTrpc(server().url, path, { token: who?.token, input, type });
    return res.body.result ? undefined : res.body.error?.data.appCode;
  };
  const user = (name: string) => signUp(server().url, `${prefix}${name}${++n}`);
  /** A real upload (bytes in the blob store, processed): returns its id and the original bytes. */
  const upload = async (who: SignedUp, seed: number) => {
    const bytes = await photo({ width: 64 + seed, height: 48 });
    return { mediaId: await uploadReady(server().url, who.token, bytes), bytes };
  };
  return { call, refusal, user, upload };
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
