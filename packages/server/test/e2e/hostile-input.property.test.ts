import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRouter } from '../../src/api/router.js';
import { createMetrics } from '../../src/http/metrics.js';
import { DIALECTS } from '../support/databases.js';
import {
  carriesRefusedText,
  encodeSegment,
  HOSTILE_IDS,
  HOSTILE_STRINGS,
  hostileValue,
  MAX_ID,
  preview,
} from '../support/hostile.js';
import { photo } from '../fixtures/images.js';
import { FuzzWorld } from '../support/fuzz-world.js';
import { uploadReady } from '../support/media.js';
import { listProcedures, problemWith, send, type Credentials, type Procedure } from '../support/raw-calls.js';
import { inputArbitrary, inputJsonSchema } from '../support/schema-arbitrary.js';
import { callTrpc, startTestServer, type TestServer } from '../support/server.js';

/**
 * Hostile input, as a property: every procedure of the router (enumerated from the router itself,
 * so a procedure added later is fuzzed without touching this file), queries, mutations and the SSE
 * subscription, signed in, signed out and with garbage credentials, gets values shaped by its own
 * input schema with hostile leaves (ids past 2^63 − 1, NUL, lone surrogates, huge numbers, cursors
 * with hostile insides, prototype keys, deep nesting, …) and fully random JSON. No answer may be a
 * 5xx or carry SQL, driver names or stack frames, and the server must still answer afterwards.
 *
 * Replay a failure with APERTURE_FUZZ_SEED=<the seed in its message>; hunt longer with
 * APERTURE_FUZZ_RUNS=<multiplier>.
 */

const SEED = Number(process.env['APERTURE_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const SCALE = Number(process.env['APERTURE_FUZZ_RUNS'] ?? 1);
const RUNS_PER_PROCEDURE = 30 * SCALE;
const RUNS_PER_SUBSCRIPTION = 10 * SCALE;
const replay = `seed ${SEED} (replay with APERTURE_FUZZ_SEED=${SEED})`;

describe.each(DIALECTS)('hostile input on $name', (dialect) => {
  let t: TestServer;
  let world: FuzzWorld;
  let procedures: Procedure[];

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    // The router of this very server, built again only to read its procedure map and schemas.
    procedures = listProcedures(createAppRouter(t.server.services, createMetrics()));
    const postsGet = procedures.find((p) => p.path === 'posts.get')!;
    world = await FuzzWorld.create(t, inputJsonSchema(postsGet.procedure)?.properties?.['id']?.pattern ?? '');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it(
    'no procedure answers a 5xx, SQL or a stack trace to hostile input, whoever calls',
    async () => {
      expect(procedures.length).toBeGreaterThan(40);
      expect(procedures.some((p) => p.type === 'subscription')).toBe(true);
      const failures: string[] = [];
      for (const proc of procedures) {
        await world.refresh();
        const property = fc.asyncProperty(
          inputArbitrary(inputJsonSchema(proc.procedure), world.plausible),
          world.callers,
          async (input, caller) => {
            const answer = await send(t.url, proc, input, await world.credentialsOf(caller));
            const problem = problemWith(answer);
            if (problem) throw new Error(problem);
            // Text no input may hold is never accepted, whatever field (or key) carries it.
            const accepted =
              answer.status < 300 && !(proc.type === 'subscription' && answer.body.includes('serialized-error'));
            if (accepted && carriesRefusedText(input))
              throw new Error(`accepted refused text: ${answer.body.slice(0, 300)}`);
          },
        );
        const details = await fc.check(property, {
          seed: SEED,
          numRuns: proc.type === 'subscription' ? RUNS_PER_SUBSCRIPTION : RUNS_PER_PROCEDURE,
          endOnFailure: true,
        });
        if (details.failed) {
          const [input, caller] = details.counterexample ?? [];
          const error = details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance;
          failures.push(`${proc.path} (${preview(caller, 80)}) input ${preview(input)}\n    → ${String(error)}`);
        }
      }
      expect(failures, `${replay}:\n${failures.join('\n')}`).toEqual([]);
    },
    180_000 * SCALE,
  );

  it(
    'batches of hostile queries are answered call by call, never with a 5xx',
    async () => {
      const queries = procedures.filter((p) => p.type === 'query');
      const batch = fc.array(
        fc
          .constantFrom(...queries)
          .chain((proc) =>
            inputArbitrary(inputJsonSchema(proc.procedure), world.plausible).map((input) => ({ proc, input })),
          ),
        { minLength: 2, maxLength: 4 },
      );
      const property = fc.asyncProperty(batch, fc.boolean(), async (calls, signedIn) => {
        const path = calls.map((c) => c.proc.path).join(',');
        const input = Object.fromEntries(calls.map((c, i) => [String(i), c.input]));
        const response = await fetch(
          `${t.url}/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
          {
            headers: signedIn ? { authorization: `Bearer ${await world.mintToken()}` } : {},
          },
        );
        const problem = problemWith({ status: response.status, body: await response.text() });
        if (problem) throw new Error(`${path} ${preview(input)}: ${problem}`);
      });
      await fc.assert(property, { seed: SEED, numRuns: 40 * SCALE });
    },
    120_000 * SCALE,
  );

  it(
    'answers an oversized body with PAYLOAD_TOO_LARGE and deep nesting with a 4xx',
    async () => {
      const huge = JSON.stringify({ username: 'a'.repeat(10 * 1024 * 1024), password: 'x', q: 'x', id: '1' });
      const deep = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
      const token = await world.mintToken();
      for (const proc of procedures.filter((p) => p.type === 'mutation')) {
        const tooLarge = await fetch(`${t.url}/trpc/${proc.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: huge,
        });
        expect(tooLarge.status, proc.path).toBe(413);
        expect(await tooLarge.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
        const nested = await fetch(`${t.url}/trpc/${proc.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: deep,
        });
        const answer = { status: nested.status, body: await nested.text() };
        expect(problemWith(answer), `${proc.path} with a body nested 400,000 deep`).toBeUndefined();
      }
      const credentials: Credentials = { kind: 'session', token };
      for (const proc of procedures.filter((p) => p.type !== 'mutation')) {
        const answer = await send(t.url, proc, JSON.parse(`${'['.repeat(3_000)}${']'.repeat(3_000)}`), credentials);
        expect(problemWith(answer), `${proc.path} with input nested 3,000 deep`).toBeUndefined();
      }
    },
    120_000 * SCALE,
  );

  it('answers hostile tRPC paths and query strings with a 4xx', async () => {
    const many = Array.from({ length: 200 }, () => 'posts.get').join(',');
    for (const target of [
      '/trpc/%00',
      '/trpc/posts.get%00',
      '/trpc/__proto__',
      '/trpc/constructor',
      '/trpc/posts.get?input=%7B',
      '/trpc/posts.get?input=%ED%A0%80',
      '/trpc/posts.get?batch=1&input=%5B1%5D',
      '/trpc/posts.get?batch=1&input=null',
      `/trpc/${many}?batch=1`,
      '/trpc/posts.get,accounts.login?batch=1',
      '/trpc/notifications.onNew?input=%7B%22lastEventId%22%3A%229223372036854775808%22%7D',
    ]) {
      const response = await fetch(`${t.url}${target}`, { headers: { 'last-event-id': MAX_ID } });
      const answer = { status: response.status, body: await response.text() };
      expect(problemWith(answer), target).toBeUndefined();
    }
  });

  it(
    'GET /media/:id/:file answers hostile ids, files and widths with a 4xx or a redirect',
    async () => {
      const token = await world.mintToken();
      // A real photo with real derivatives, so ranges and validators reach the bytes.
      const photoId = await uploadReady(t.url, token, await photo({ width: 96, height: 64 }));
      const ids = fc.oneof(
        fc.constant(photoId),
        fc.constantFrom(...HOSTILE_IDS, ...world.plausible.ids, ...HOSTILE_STRINGS.filter((s) => s.length < 1_000)),
      );
      const headers = fc.record(
        {
          range: fc.constantFrom(
            'bytes=0-0',
            'bytes=-99999999999999999999',
            'bytes=99999999999999999999-',
            'bytes=0-99999999999999999999',
            'bytes=5-1',
            'bytes=0-1,2-3',
            'bytes=-0',
            'bytes=1e3-',
            'items=0-1',
          ),
          'if-none-match': fc.constantFrom('*', '""', 'W/"x"', `"${'a'.repeat(5_000)}"`, ',,,'),
        },
        { requiredKeys: [] },
      );
      const files = fc.constantFrom('w640.webp', 'thumb.jpg', 'w64.webp', 'w99999.webp', 'original', '..', 'x\u0000');
      const widths = fc.option(
        fc.constantFrom('1e308', '-1', 'NaN', '0', '1.5', '64', '99999999999999999999', '', '0x40', MAX_ID, '\u0000'),
        { freq: 2 },
      );
      const property = fc.asyncProperty(
        ids,
        files,
        widths,
        headers,
        fc.boolean(),
        async (id, file, w, extra, signedIn) => {
          const search = w === null ? '' : `?w=${encodeSegment(w)}&exp=${encodeSegment(id)}&sig=%00`;
          const path = `/media/${encodeSegment(id)}/${encodeSegment(file)}${search}`;
          const response = await fetch(`${t.url}${path}`, {
            headers: { ...extra, ...(signedIn ? { authorization: `Bearer ${token}` } : {}) },
            redirect: 'manual',
          });
          const problem = problemWith({ status: response.status, body: await response.text() });
          if (problem) throw new Error(`${path}: ${problem}`);
        },
      );
      await fc.assert(property, { seed: SEED, numRuns: 150 * SCALE });
      for (const id of ['9223372036854775808', '99999999999999999999', '-1', '007']) {
        expect((await fetch(`${t.url}/media/${id}/w640.webp`)).status, id).toBe(404);
      }
    },
    120_000 * SCALE,
  );

  it(
    'PUT /uploads/:token refuses forged and hostile tokens with a 4xx',
    async () => {
      const forged = fc
        .record({ key: fc.oneof(hostileValue, fc.constant('uploads/ab/cd/1')), exp: hostileValue, part: hostileValue })
        .map((claims) => `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${'A'.repeat(43)}`);
      const tokens = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 1_000 && s !== '')), forged);
      const property = fc.asyncProperty(tokens, async (token) => {
        const response = await fetch(`${t.url}/uploads/${encodeSegment(token)}`, { method: 'PUT', body: 'bytes' });
        const problem = problemWith({ status: response.status, body: await response.text() });
        if (problem) throw new Error(`PUT /uploads/${preview(token)}: ${problem}`);
      });
      await fc.assert(property, { seed: SEED, numRuns: 60 * SCALE });
    },
    60_000 * SCALE,
  );

  it('still answers afterwards', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const token = await world.mintToken();
    expect((await callTrpc(t.url, 'accounts.me', { type: 'query', token })).status).toBe(200);
    const postId = await world.refresh();
    const post = await callTrpc(t.url, 'posts.get', { type: 'query', token, input: { id: postId } });
    expect(post.status).toBe(200);
  });
});
