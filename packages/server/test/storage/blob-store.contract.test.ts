import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/storage/blob-store.js';
import {
  BlobNotFoundError,
  InvalidKeyError,
  InvalidPartError,
  RangeNotSatisfiableError,
  UploadNotFoundError,
} from '../../src/storage/errors.js';
import { collect, httpPut, IMPLEMENTATIONS, md5, readAll, unquote } from './fixtures.js';
import type { StoreFixture } from './fixtures.js';

const MiB = 1024 * 1024;

describe.each(IMPLEMENTATIONS)('BlobStore contract: $name', (implementation) => {
  let fixture: StoreFixture;
  let store: BlobStore;
  // Every test writes under its own prefix, so tests sharing one store cannot see each other.
  const prefix = () => `t-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    fixture = await implementation.setup();
    store = fixture.store;
  });
  afterAll(async () => {
    await fixture?.teardown();
  });

  it('reports its kind and answers ping', async () => {
    expect(store.kind).toBe(implementation.name);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('round-trips a binary Buffer with its content type and md5 etag', async () => {
    const key = `${prefix()}/media/ab/cd/photo.jpg`;
    const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(4096)]);
    const info = await store.put(key, data, { contentType: 'image/jpeg' });
    expect(info).toMatchObject({ key, size: data.length, etag: md5(data), contentType: 'image/jpeg' });

    const read = await store.get(key);
    expect(await readAll(read.body)).toEqual(data);
    expect(read).toMatchObject({ size: data.length, contentLength: data.length, etag: md5(data), range: undefined });
    expect(read.contentType).toBe('image/jpeg');
  });

  it('round-trips a stream body', async () => {
    const key = `${prefix()}/stream.bin`;
    const chunks = Array.from({ length: 10 }, () => randomBytes(10_000));
    const info = await store.put(key, Readable.from(chunks));
    const data = Buffer.concat(chunks);
    expect(info.size).toBe(data.length);
    expect(await readAll((await store.get(key)).body)).toEqual(data);
  });

  it('round-trips a stream longer than one upload part', async () => {
    const key = `${prefix()}/long.bin`;
    const data = randomBytes(9 * MiB + 123);
    const chunks = Array.from({ length: Math.ceil(data.length / (256 * 1024)) }, (_, i) =>
      data.subarray(i * 256 * 1024, (i + 1) * 256 * 1024),
    );
    const info = await store.put(key, Readable.from(chunks), { contentType: 'application/octet-stream' });
    expect(info.size).toBe(data.length);
    const read = await store.get(key);
    expect(read.size).toBe(data.length);
    expect(md5(await readAll(read.body))).toBe(md5(data));
  });

  it('replaces content on a second put', async () => {
    const key = `${prefix()}/replace.txt`;
    await store.put(key, Buffer.from('first version'));
    await store.put(key, Buffer.from('second'), { contentType: 'text/plain' });
    const read = await store.get(key);
    expect((await readAll(read.body)).toString()).toBe('second');
    expect(read.etag).toBe(md5(Buffer.from('second')));
  });

  it('stores an empty object', async () => {
    const key = `${prefix()}/empty`;
    await store.put(key, Buffer.alloc(0));
    const read = await store.get(key);
    expect(read.size).toBe(0);
    expect(await readAll(read.body)).toEqual(Buffer.alloc(0));
  });

  it('heads an object and answers null for a missing one', async () => {
    const key = `${prefix()}/head.png`;
    const data = randomBytes(777);
    const before = Date.now();
    const put = await store.put(key, data, { contentType: 'image/png' });
    const head = await store.head(key);
    expect(head).toMatchObject({ key, size: 777, etag: put.etag, contentType: 'image/png' });
    // Store clocks (file mtime, S3 seconds) are coarse: only a sanity bound, not a timing assertion.
    expect(head!.lastModified.getTime()).toBeGreaterThan(before - 60_000);
    expect(await store.head(`${prefix()}/nothing-here`)).toBeNull();
  });

  it('throws BlobNotFoundError for a missing key', async () => {
    const key = `${prefix()}/missing.jpg`;
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.get(key, { range: { start: 0, end: 1 } })).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes idempotently', async () => {
    const key = `${prefix()}/a/b/delete-me.bin`;
    await store.put(key, Buffer.from('bye'));
    await store.delete(key);
    expect(await store.head(key)).toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.delete(key)).resolves.toBeUndefined();
    await expect(store.delete(`${prefix()}/never-existed`)).resolves.toBeUndefined();
    // The key can be written again after its folders were pruned.
    await store.put(key, Buffer.from('back'));
    expect((await store.head(key))?.size).toBe(4);
  });

  it('lists by prefix in key order, nested keys included, other prefixes excluded', async () => {
    const p = prefix();
    const keys = [`${p}/b.txt`, `${p}/a/z.txt`, `${p}/a-c.txt`, `${p}/a.txt`, `${p}/a/b/c.txt`, `${p}/a/b.txt`];
    for (const [i, key] of keys.entries()) await store.put(key, Buffer.alloc(i + 1, i), { contentType: 'text/plain' });
    await store.put(`${p}x/other.txt`, Buffer.from('not mine'));
    // Leave work in progress behind (a multipart upload) to show it never shows up as an object.
    await store.createMultipart(`${p}/a/in-progress.bin`);

    const listed = await collect(store.list(`${p}/`));
    expect(listed.map((b) => b.key)).toEqual([...keys].sort());
    for (const info of listed) {
      const i = keys.indexOf(info.key);
      expect(info.size).toBe(i + 1);
      expect(info.etag).toBe(md5(Buffer.alloc(i + 1, i)));
      expect(info.lastModified).toBeInstanceOf(Date);
    }
    expect((await collect(store.list(`${p}/a`))).map((b) => b.key)).toEqual([
      `${p}/a-c.txt`,
      `${p}/a.txt`,
      `${p}/a/b.txt`,
      `${p}/a/b/c.txt`,
      `${p}/a/z.txt`,
    ]);
    expect((await collect(store.list(`${p}/a/b`))).map((b) => b.key)).toEqual([`${p}/a/b.txt`, `${p}/a/b/c.txt`]);
    expect(await collect(store.list(`${p}/nothing/`))).toEqual([]);

    const everything = (await collect(store.list(''))).map((b) => b.key);
    expect(everything).toEqual([...everything].sort());
    expect(everything).toContain(`${p}x/other.txt`);
    expect(everything.filter((k) => k.startsWith(`${p}/`))).toEqual([...keys].sort());
  });

  it('serves byte ranges and refuses unsatisfiable ones', async () => {
    const key = `${prefix()}/range.bin`;
    const data = randomBytes(100);
    await store.put(key, data);

    const middle = await store.get(key, { range: { start: 10, end: 19 } });
    expect(await readAll(middle.body)).toEqual(data.subarray(10, 20));
    expect(middle).toMatchObject({ size: 100, contentLength: 10, range: { start: 10, end: 19 } });

    const openEnd = await store.get(key, { range: { start: 90 } });
    expect(await readAll(openEnd.body)).toEqual(data.subarray(90));
    expect(openEnd).toMatchObject({ size: 100, contentLength: 10, range: { start: 90, end: 99 } });

    const lastByte = await store.get(key, { range: { start: 99, end: 99 } });
    expect(await readAll(lastByte.body)).toEqual(data.subarray(99));
    expect(lastByte).toMatchObject({ contentLength: 1, range: { start: 99, end: 99 } });

    const pastEnd = await store.get(key, { range: { start: 95, end: 1000 } });
    expect(await readAll(pastEnd.body)).toEqual(data.subarray(95));
    expect(pastEnd.range).toEqual({ start: 95, end: 99 });

    const error = await store.get(key, { range: { start: 100 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeNotSatisfiableError);
    expect((error as RangeNotSatisfiableError).size).toBe(100);
    await expect(store.get(key, { range: { start: 5000, end: 6000 } })).rejects.toBeInstanceOf(
      RangeNotSatisfiableError,
    );
  });

  it.each(['../x', '/abs', 'a//b', '', 'a/../b', './a', 'a/', 'a\\b', 'a b'])('rejects the key %j', async (key) => {
    await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.head(key)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.signedUpload(key, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(store.createMultipart(key)).rejects.toBeInstanceOf(InvalidKeyError);
  });

  it('accepts a signed upload from a plain HTTP client', async () => {
    const key = `${prefix()}/uploads/signed.jpg`;
    const data = randomBytes(50_000);
    const target = await store.signedUpload(key, { expiresInSeconds: 300, contentType: 'image/jpeg' });
    expect(target.method).toBe('PUT');
    expect(target.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const response = await httpPut(target, data);
    expect(response.status).toBe(200);
    expect(unquote(response.headers.get('etag'))).toBe(md5(data));

    const read = await store.get(key);
    expect(await readAll(read.body)).toEqual(data);
    expect(read.contentType).toBe('image/jpeg');
  });

  it('refuses an expired signed upload', async () => {
    const key = `${prefix()}/uploads/late.jpg`;
    // Signed "an hour ago" for 60 seconds: expired by the time the client sends it.
    const pastStore = fixture.withClock(() => Date.now() - 3_600_000);
    const target = await pastStore.signedUpload(key, { expiresInSeconds: 60 });
    expect(target.expiresAt.getTime()).toBeLessThan(Date.now());
    const response = await httpPut(target, Buffer.from('too late'));
    expect(response.status).toBe(403);
    if (implementation.name === 's3') expect(await response.text()).toContain('Request has expired');
    expect(await store.head(key)).toBeNull();
  });

  it('assembles a multipart upload sent through signed part URLs', async () => {
    const key = `${prefix()}/video.mp4`;
    const { uploadId } = await store.createMultipart(key, { contentType: 'video/mp4' });
    const part1 = randomBytes(5 * MiB);
    const part1Again = randomBytes(5 * MiB);
    const part2 = randomBytes(1234);

    const send = async (partNumber: number, body: Buffer) => {
      const target = await store.signedPart(key, uploadId, partNumber, { expiresInSeconds: 300 });
      const response = await httpPut(target, body);
      expect(response.status).toBe(200);
      return unquote(response.headers.get('etag'));
    };
    expect(await send(1, part1)).toBe(md5(part1));
    expect(await send(2, part2)).toBe(md5(part2));
    // Re-sending a part replaces it.
    const etag1 = await send(1, part1Again);
    expect(etag1).toBe(md5(part1Again));

    expect(await store.listParts(key, uploadId)).toEqual([
      { partNumber: 1, etag: md5(part1Again), size: 5 * MiB },
      { partNumber: 2, etag: md5(part2), size: 1234 },
    ]);

    const info = await store.completeMultipart(key, uploadId, [
      { partNumber: 1, etag: etag1 },
      { partNumber: 2, etag: `"${md5(part2)}"` },
    ]);
    expect(info).toMatchObject({ key, size: 5 * MiB + 1234 });
    const read = await store.get(key);
    expect(md5(await readAll(read.body))).toBe(md5(Buffer.concat([part1Again, part2])));
    expect(read.contentType).toBe('video/mp4');
    await expect(store.listParts(key, uploadId)).rejects.toBeInstanceOf(UploadNotFoundError);
  });

  it('refuses to complete with a wrong etag, a missing part or parts out of order', async () => {
    const key = `${prefix()}/bad-complete.bin`;
    const { uploadId } = await store.createMultipart(key);
    const part1 = randomBytes(5 * MiB);
    const part2 = randomBytes(10);
    await httpPut(await store.signedPart(key, uploadId, 1, { expiresInSeconds: 300 }), part1);
    await httpPut(await store.signedPart(key, uploadId, 2, { expiresInSeconds: 300 }), part2);

    const good1 = { partNumber: 1, etag: md5(part1) };
    await expect(
      store.completeMultipart(key, uploadId, [good1, { partNumber: 2, etag: md5(Buffer.from('other')) }]),
    ).rejects.toBeInstanceOf(InvalidPartError);
    await expect(
      store.completeMultipart(key, uploadId, [good1, { partNumber: 3, etag: md5(part2) }]),
    ).rejects.toBeInstanceOf(InvalidPartError);
    await expect(
      store.completeMultipart(key, uploadId, [{ partNumber: 2, etag: md5(part2) }, good1]),
    ).rejects.toBeInstanceOf(InvalidPartError);
    await expect(store.completeMultipart(key, uploadId, [])).rejects.toBeInstanceOf(InvalidPartError);
    expect(await store.head(key)).toBeNull();

    // A failed completion leaves the upload usable.
    expect((await store.listParts(key, uploadId)).map((p) => p.partNumber)).toEqual([1, 2]);
    await store.completeMultipart(key, uploadId, [good1, { partNumber: 2, etag: md5(part2) }]);
    expect((await store.head(key))?.size).toBe(5 * MiB + 10);
  });

  it('refuses a part below 5 MiB that is not the last', async () => {
    const key = `${prefix()}/small-parts.bin`;
    const { uploadId } = await store.createMultipart(key);
    const small = randomBytes(1000);
    await httpPut(await store.signedPart(key, uploadId, 1, { expiresInSeconds: 300 }), small);
    await httpPut(await store.signedPart(key, uploadId, 2, { expiresInSeconds: 300 }), small);
    await expect(
      store.completeMultipart(key, uploadId, [
        { partNumber: 1, etag: md5(small) },
        { partNumber: 2, etag: md5(small) },
      ]),
    ).rejects.toBeInstanceOf(InvalidPartError);
    // A single small part is a valid (last) part.
    await store.completeMultipart(key, uploadId, [{ partNumber: 1, etag: md5(small) }]);
    expect(await readAll((await store.get(key)).body)).toEqual(small);
  });

  it('aborts uploads idempotently; an aborted upload cannot be used', async () => {
    const key = `${prefix()}/aborted.bin`;
    const { uploadId } = await store.createMultipart(key);
    const part = randomBytes(100);
    await httpPut(await store.signedPart(key, uploadId, 1, { expiresInSeconds: 300 }), part);

    await store.abortMultipart(key, uploadId);
    await expect(store.abortMultipart(key, uploadId)).resolves.toBeUndefined();
    await expect(store.completeMultipart(key, uploadId, [{ partNumber: 1, etag: md5(part) }])).rejects.toBeInstanceOf(
      UploadNotFoundError,
    );
    await expect(store.listParts(key, uploadId)).rejects.toBeInstanceOf(UploadNotFoundError);
    const late = await httpPut(await store.signedPart(key, uploadId, 2, { expiresInSeconds: 300 }), part);
    expect(late.status).toBe(404);
    expect(await store.head(key)).toBeNull();

    // Unknown ids, and ids of another key, are "not found" too.
    await expect(store.abortMultipart(key, 'no-such-upload')).resolves.toBeUndefined();
    const other = await store.createMultipart(`${key}.other`);
    await expect(store.listParts(key, other.uploadId)).rejects.toBeInstanceOf(UploadNotFoundError);
    await store.abortMultipart(`${key}.other`, other.uploadId);
  });

  it('lists open multipart uploads until they are completed or aborted', async () => {
    const base = prefix();
    const before = Date.now();
    const open = await store.createMultipart(`${base}/open.bin`);
    const done = await store.createMultipart(`${base}/done.bin`);
    const aborted = await store.createMultipart(`${base}/aborted.bin`);
    const part = randomBytes(100);
    await httpPut(await store.signedPart(`${base}/done.bin`, done.uploadId, 1, { expiresInSeconds: 300 }), part);
    await store.completeMultipart(`${base}/done.bin`, done.uploadId, [{ partNumber: 1, etag: md5(part) }]);
    await store.abortMultipart(`${base}/aborted.bin`, aborted.uploadId);

    const listed = (await collect(store.listMultipartUploads())).filter((u) => u.key.startsWith(`${base}/`));
    expect(listed).toEqual([{ key: `${base}/open.bin`, uploadId: open.uploadId, initiated: expect.any(Date) }]);
    // Second precision on S3.
    expect(listed[0]!.initiated.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(listed[0]!.initiated.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    await store.abortMultipart(`${base}/open.bin`, open.uploadId);
    expect((await collect(store.listMultipartUploads())).filter((u) => u.key.startsWith(`${base}/`))).toEqual([]);
  });

  it('sweeps scratch without touching objects, and finds none after clean writes', async () => {
    const key = `${prefix()}/kept.bin`;
    await store.put(key, randomBytes(100));
    // Cut-off in the future: everything there is counts as old. Clean writes leave nothing behind.
    const report = await store.sweepScratch(new Date(Date.now() + 60_000));
    expect(report).toEqual({ stale: 0, removed: 0, young: 0 });
    expect(await store.head(key)).not.toBeNull();
  });

  it('keeps one whole version when 20 writers race on one key', async () => {
    const key = `${prefix()}/contended.bin`;
    const versions = Array.from({ length: 20 }, () => randomBytes(MiB));
    const hashes = new Set(versions.map(md5));
    await Promise.all(versions.map((data) => store.put(key, data)));

    const read = await store.get(key);
    const content = await readAll(read.body);
    expect(content.length).toBe(MiB);
    expect(hashes.has(md5(content))).toBe(true);
    expect(read.etag).toBe(md5(content));
    expect((await store.head(key))?.etag).toBe(md5(content));

    if (fixture.root !== undefined) {
      // Nothing half-written is left behind on disk.
      expect(await readdir(path.join(fixture.root, '~tmp'))).toEqual([]);
    }
  });
});
