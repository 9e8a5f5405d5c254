import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBackup, moveDeployment, restoreFromBackup } from '../../src/index.js';
import { readCatalog } from '../../src/db/catalog.js';
import type { Db } from '../../src/db/connect.js';
import { DIALECTS, sqliteDialect, type TestDialect } from '../support/databases.js';
import { buildWorld, createDeployment, dumpBlobs, dumpTables, type Deployment } from '../support/deployments.js';

const PAIRS: [TestDialect, 'disk' | 's3'][] = DIALECTS.flatMap((d): [TestDialect, 'disk' | 's3'][] => [
  [d, 'disk'],
  [d, 's3'],
]);
const richest = DIALECTS.at(-1)!;

const made: Deployment[] = [];
const dirs: string[] = [];
async function deployment(dialect: TestDialect, media: 'disk' | 's3'): Promise<Deployment> {
  const d = await createDeployment(dialect, media);
  made.push(d);
  return d;
}
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aperture-backup-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of made) await d.cleanup();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A deployment with the world in it, its server stopped. */
async function populated(dialect: TestDialect, media: 'disk' | 's3'): Promise<Deployment> {
  const d = await deployment(dialect, media);
  const running = await d.serve();
  try {
    await buildWorld(running.url, running.server);
  } finally {
    await running.stop();
  }
  return d;
}

/** Where a backup of `d` goes: a folder, or a prefix of the deployment's own bucket. */
async function backupPlace(d: Deployment): Promise<string> {
  return d.s3 ? `s3://${d.s3.bucket}/backups/nightly?endpoint=${d.s3.endpoint}&forcePathStyle=true` : tempDir();
}

async function indexedPosts(db: Db): Promise<string[]> {
  const query =
    db.caps.dialect === 'sqlite'
      ? db.kysely.selectFrom('post_search' as never).select((eb) => eb.ref('rowid' as never).as('post_id'))
      : db.kysely.selectFrom('post_search' as never).select('post_id' as never);
  const rows = (await query.execute()) as { post_id: string }[];
  return rows.map((r) => String(r.post_id)).sort();
}

/** Every table's rows, every blob's bytes and the caption index of two deployments are the same. */
async function expectSameDeployment(a: Deployment, b: Deployment): Promise<void> {
  const left = await a.open();
  const right = await b.open();
  try {
    const [rowsA, rowsB] = [await dumpTables(left.db), await dumpTables(right.db)];
    expect(Object.keys(rowsB).sort()).toEqual(Object.keys(rowsA).sort());
    for (const table of Object.keys(rowsA)) expect(rowsB[table], table).toEqual(rowsA[table]);
    expect(await indexedPosts(right.db)).toEqual(await indexedPosts(left.db));
    const [blobsA, blobsB] = [await dumpBlobs(left.blobs), await dumpBlobs(right.blobs)];
    expect([...blobsB.keys()].sort()).toEqual([...blobsA.keys()].sort());
    for (const [key, bytes] of blobsA) expect(blobsB.get(key)?.equals(bytes), key).toBe(true);
  } finally {
    await left.close();
    await right.close();
  }
}

describe('the world the round trips carry', () => {
  it('fills every table, so comparing every table compares something', async () => {
    const d = await populated(sqliteDialect, 'disk');
    const { db, close } = await d.open();
    try {
      const rows = await dumpTables(db);
      const empty = Object.entries(rows)
        .filter(([, list]) => list.length === 0)
        .map(([name]) => name);
      expect(empty).toEqual([]);
      expect((await readCatalog(db)).length).toBeGreaterThanOrEqual(18);
      expect(await indexedPosts(db)).toHaveLength(1);
    } finally {
      await close();
    }
  });
});

describe.each(PAIRS)('backup → restore on %s', (dialect, media) => {
  let source: Deployment;
  beforeAll(async () => {
    source = await populated(dialect.name === 'sqlite' ? sqliteDialect : dialect, media);
  }, 120_000);

  it(`restores into an empty ${dialect.name}+${media} deployment with every row and every blob`, async () => {
    const to = await backupPlace(source);
    const taken = await createBackup(source.config, { to });
    expect(taken.missingBlobs).toEqual([]);
    expect(taken.blobs.copied).toBe(taken.blobs.count);
    expect(taken.source).toEqual({ dialect: dialect.name, blobStore: media });

    const target = await deployment(dialect, media);
    const restored = await restoreFromBackup(target.config, { from: to });
    expect(restored.tables).toEqual(taken.tables);
    await expectSameDeployment(source, target);

    // Restoring again into the now-used deployment is refused, and changes nothing.
    await expect(restoreFromBackup(target.config, { from: to })).rejects.toThrow(/not empty/);
    await expectSameDeployment(source, target);
  }, 120_000);
});

describe('across kinds', () => {
  it(`SQLite + disk → ${richest.name} + S3 → SQLite + disk keeps every row and every blob`, async () => {
    const source = await populated(sqliteDialect, 'disk');
    const there = await deployment(richest, 's3');
    const first = await tempDir();
    await createBackup(source.config, { to: first });
    await restoreFromBackup(there.config, { from: first });
    await expectSameDeployment(source, there);

    const back = await deployment(sqliteDialect, 'disk');
    const second = await backupPlace(there);
    await createBackup(there.config, { to: second });
    await restoreFromBackup(back.config, { from: second });
    await expectSameDeployment(source, back);

    // The restored deployment serves: the old session still signs in, the post is found by its words.
    const running = await back.serve();
    try {
      const { callTrpc } = await import('../support/server.js');
      const rows = await back.open();
      const session = (await dumpTables(rows.db))['sessions']![0] as { user_id: string };
      await rows.close();
      expect(session.user_id).toMatch(/^\d+$/);
      const found = await callTrpc<{ posts: { items: unknown[] } }>(running.url, 'search.all', {
        type: 'query',
        input: { q: 'harbour' },
      });
      expect(found.body.result?.data.posts.items).toHaveLength(1);
    } finally {
      await running.stop();
    }
  }, 180_000);
});

describe('moving off the embedded default', () => {
  // The growth path: a deployment that started on SQLite + disk moves to the richest pair this run
  // has (Postgres + S3 when Postgres is configured), named by the URLs an operator would set.
  it(`aperture admin move: SQLite + disk → ${richest.name} + S3 keeps every row, every blob and every session`, async () => {
    const source = await deployment(sqliteDialect, 'disk');
    const running = await source.serve();
    let tokens: Record<string, string>;
    try {
      ({ tokens } = await buildWorld(running.url, running.server));
    } finally {
      await running.stop();
    }
    const there = await deployment(richest, 's3');
    const { database, media } = there.config;
    const toDatabase =
      database.kind === 'postgres'
        ? `${database.url}${database.url.includes('?') ? '&' : '?'}schema=${database.schema}`
        : `sqlite:${database.path}`;
    if (media.kind !== 's3') throw new Error('the target is an S3 deployment');
    const toMedia = `s3://${media.bucket}?endpoint=${encodeURIComponent(media.endpoint!)}&forcePathStyle=true`;
    const moved = await moveDeployment(source.config, { toDatabase, toMedia, workDir: await tempDir() });
    expect(moved.env).toEqual({ APERTURE_DATABASE_URL: toDatabase, APERTURE_MEDIA_URL: toMedia });
    await expectSameDeployment(source, there);

    // Users notice nothing but the restart: their sessions sign them in, their feed and photos are there.
    const after = await there.serve();
    try {
      const { callTrpc } = await import('../support/server.js');
      const me = await callTrpc<{ username: string }>(after.url, 'accounts.me', { type: 'query', token: tokens.anna! });
      expect(me.body.result?.data.username).toBe('anna');
      const feed = await callTrpc<{ items: { caption: string; media: { urls: Record<string, { jpg: string }> }[] }[] }>(
        after.url,
        'feed.home',
        { type: 'query', token: tokens.benny!, input: {} },
      );
      const items = feed.body.result?.data.items ?? [];
      expect(items.map((item) => item.caption)).toEqual(['Evening light #sunset over the harbour']);
      const photoUrl = Object.values(items[0]!.media[0]!.urls)[0]!.jpg;
      const bytes = await fetch(photoUrl);
      expect(bytes.status).toBe(200);
    } finally {
      await after.stop();
    }
  }, 180_000);
});

describe('backups into the same place', () => {
  it('copies only blobs the place does not hold yet, and keeps one snapshot of rows', async () => {
    const source = await populated(sqliteDialect, 'disk');
    const to = await tempDir();
    const first = await createBackup(source.config, { to });
    expect(first.blobs.copied).toBeGreaterThan(5);
    const second = await createBackup(source.config, { to });
    expect(second.blobs).toEqual({
      count: first.blobs.count,
      bytes: first.blobs.bytes,
      copied: 0,
      skipped: first.blobs.count,
    });
    expect(await readdir(join(to, 'snapshots'))).toEqual([second.id]);
  }, 120_000);

  it('refuses to restore a blob whose bytes changed, naming it, and leaves the target empty', async () => {
    const source = await populated(sqliteDialect, 'disk');
    const to = await tempDir();
    await createBackup(source.config, { to });
    const shard = (await readdir(join(to, 'blobs')))[0]!;
    const file = (await readdir(join(to, 'blobs', shard)))[0]!;
    await writeFile(join(to, 'blobs', shard, file), 'not the photo any more');

    const target = await deployment(sqliteDialect, 'disk');
    await expect(restoreFromBackup(target.config, { from: to })).rejects.toThrow(
      new RegExp(`copy of \\S+ \\(blobs/${shard}/${file}\\) is damaged`),
    );
    const { db, blobs, close } = await target.open();
    try {
      expect(Object.values(await dumpTables(db)).flat()).toEqual([]);
      expect((await dumpBlobs(blobs)).size).toBe(0);
    } finally {
      await close();
    }
  }, 120_000);
});
