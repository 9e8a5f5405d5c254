import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidPartError,
  PayloadTooLargeError,
  SignatureExpiredError,
  SignatureInvalidError,
  UploadNotFoundError,
} from '../../src/storage/errors.js';
import { createBlobStore, LocalBlobStore, S3BlobStore, UploadSigner } from '../../src/storage/index.js';
import { collect, md5, readAll } from './fixtures.js';

// Disk-only behaviour. Signed uploads are fed to receiveSignedUpload directly here; the contract
// suite sends them over HTTP, and the real `PUT /uploads/:token` route is tested in the e2e tests.
const SECRET = 'local-store-secret-0123456789abcdef';
const MiB = 1024 * 1024;

describe('LocalBlobStore', () => {
  let root: string;
  let store: LocalBlobStore;
  const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'aperture-local-'));
    store = new LocalBlobStore({ root, signer: new UploadSigner(SECRET), publicUrl: () => 'http://aperture.test/' });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps objects as plain files under root', async () => {
    const data = randomBytes(1000);
    await store.put('media/ab/photo.jpg', data, { contentType: 'image/jpeg' });
    expect(await readFile(path.join(root, 'media', 'ab', 'photo.jpg'))).toEqual(data);
    expect((await readdir(path.join(root, 'media', 'ab'))).sort()).toEqual(['photo.jpg', 'photo.jpg~meta.json']);
    expect((await collect(store.list(''))).map((b) => b.key)).toEqual(['media/ab/photo.jpg']);
  });

  it('signs URLs under the public URL with the content type to send', async () => {
    const target = await store.signedUpload('a/b.jpg', { expiresInSeconds: 60, contentType: 'image/jpeg' });
    expect(target.url).toMatch(/^http:\/\/aperture\.test\/uploads\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(target.headers).toEqual({ 'content-type': 'image/jpeg' });
  });

  it('aborts an upload past maxBytes and leaves nothing behind', async () => {
    const target = await store.signedUpload('big.bin', { expiresInSeconds: 60 });
    const body = Readable.from([randomBytes(600), randomBytes(600)]);
    await expect(store.receiveSignedUpload(tokenOf(target.url), body, { maxBytes: 1000 })).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    expect(await store.head('big.bin')).toBeNull();
    expect(await readdir(path.join(root, '~tmp'))).toEqual([]);

    const { uploadId } = await store.createMultipart('big.bin');
    const part = await store.signedPart('big.bin', uploadId, 1, { expiresInSeconds: 60 });
    await expect(
      store.receiveSignedUpload(tokenOf(part.url), Readable.from([randomBytes(2000)]), { maxBytes: 1000 }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await store.listParts('big.bin', uploadId)).toEqual([]);
    expect(await readdir(path.join(root, '~tmp'))).toEqual([]);

    // At the limit is fine.
    const exact = randomBytes(1000);
    const ok = await store.receiveSignedUpload(tokenOf(target.url), Readable.from([exact]), { maxBytes: 1000 });
    expect(ok).toEqual({ etag: md5(exact), size: 1000 });
  });

  it('refuses tampered, foreign and expired tokens before writing', async () => {
    const target = await store.signedUpload('victim.bin', { expiresInSeconds: 60 });
    const token = tokenOf(target.url);
    const [payload, mac] = token.split('.');
    const otherKey = Buffer.from(JSON.stringify({ k: 'other.bin', e: Date.now() + 60_000 })).toString('base64url');
    await expect(store.receiveSignedUpload(`${otherKey}.${mac}`, Readable.from(['x']))).rejects.toBeInstanceOf(
      SignatureInvalidError,
    );
    await expect(store.receiveSignedUpload(`${payload}.x${mac}`, Readable.from(['x']))).rejects.toBeInstanceOf(
      SignatureInvalidError,
    );

    const foreign = new LocalBlobStore({
      root,
      signer: new UploadSigner('some-other-secret-0123456789abc'),
      publicUrl: () => '',
    });
    const foreignTarget = await foreign.signedUpload('victim.bin', { expiresInSeconds: 60 });
    await expect(store.receiveSignedUpload(tokenOf(foreignTarget.url), Readable.from(['x']))).rejects.toBeInstanceOf(
      SignatureInvalidError,
    );

    const past = new LocalBlobStore({
      root,
      signer: new UploadSigner(SECRET),
      publicUrl: () => '',
      clock: () => Date.now() - 120_000,
    });
    const expired = await past.signedUpload('victim.bin', { expiresInSeconds: 60 });
    await expect(store.receiveSignedUpload(tokenOf(expired.url), Readable.from(['x']))).rejects.toBeInstanceOf(
      SignatureExpiredError,
    );
    expect(await collect(store.list(''))).toEqual([]);
  });

  it('says which part failed a completion', async () => {
    const { uploadId } = await store.createMultipart('v.bin');
    const part1 = randomBytes(5 * MiB);
    const part2 = randomBytes(10);
    for (const [n, body] of [part1, part2].entries()) {
      const target = await store.signedPart('v.bin', uploadId, n + 1, { expiresInSeconds: 60 });
      await store.receiveSignedUpload(tokenOf(target.url), Readable.from([body]));
    }
    const error = await store
      .completeMultipart('v.bin', uploadId, [
        { partNumber: 1, etag: md5(part1) },
        { partNumber: 2, etag: md5(part1) },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPartError);
    expect((error as InvalidPartError).partNumber).toBe(2);
    expect((error as Error).message).toContain('part 2');
  });

  it('does not bring an aborted upload back when a late part arrives', async () => {
    const { uploadId } = await store.createMultipart('late.bin');
    const target = await store.signedPart('late.bin', uploadId, 1, { expiresInSeconds: 60 });
    await store.abortMultipart('late.bin', uploadId);
    await expect(store.receiveSignedUpload(tokenOf(target.url), Readable.from(['x']))).rejects.toBeInstanceOf(
      UploadNotFoundError,
    );
    expect(await readdir(path.join(root, '~multipart'))).toEqual([]);
    // Upload ids are checked before they reach a path.
    await expect(store.listParts('late.bin', '../../etc')).rejects.toBeInstanceOf(UploadNotFoundError);
  });

  it('never trusts a sidecar written for another version of the file', async () => {
    await store.put('race.bin', Buffer.from('old content'), { contentType: 'text/plain' });
    // What another process does between its data rename and its sidecar rename.
    const other = path.join(root, 'other-process.tmp~');
    await writeFile(other, 'new content from elsewhere');
    await rename(other, path.join(root, 'race.bin'));

    const expected = md5(Buffer.from('new content from elsewhere'));
    expect((await store.head('race.bin'))?.etag).toBe(expected);
    const read = await store.get('race.bin');
    expect(read.etag).toBe(expected);
    expect((await readAll(read.body)).toString()).toBe('new content from elsewhere');
    expect((await collect(store.list('race')))[0]?.etag).toBe(expected);
  });

  it('sweeps temp files and half-made multipart folders a crash left, once they are old', async () => {
    await store.put('kept/photo.jpg', randomBytes(100));
    const open = await store.createMultipart('kept/big.bin');
    // What a kill -9 leaves: a temp file never renamed, an upload folder whose manifest never landed.
    await mkdir(path.join(root, '~tmp'), { recursive: true });
    const staleTemp = path.join(root, '~tmp', 'stale.tmp');
    const freshTemp = path.join(root, '~tmp', 'fresh.tmp');
    const halfMade = path.join(root, '~multipart', 'A'.repeat(24));
    await writeFile(staleTemp, randomBytes(10));
    await writeFile(freshTemp, randomBytes(10));
    await mkdir(halfMade);
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(staleTemp, hourAgo, hourAgo);
    await utimes(halfMade, hourAgo, hourAgo);
    const cutoff = new Date(Date.now() - 60_000);

    expect(await store.sweepScratch(cutoff, { dryRun: true })).toEqual({ stale: 2, removed: 0, young: 1 });
    expect(await readdir(path.join(root, '~tmp'))).toHaveLength(2);
    expect(await store.sweepScratch(cutoff)).toEqual({ stale: 2, removed: 2, young: 1 });
    expect(await readdir(path.join(root, '~tmp'))).toEqual(['fresh.tmp']);
    // The real upload and the object are untouched.
    expect(await readdir(path.join(root, '~multipart'))).toEqual([open.uploadId]);
    expect((await collect(store.listMultipartUploads())).map((u) => u.uploadId)).toEqual([open.uploadId]);
    expect(await store.head('kept/photo.jpg')).not.toBeNull();
  });

  it('prunes folders emptied by a delete', async () => {
    await store.put('a/b/c/one.bin', Buffer.from('1'));
    await store.put('a/two.bin', Buffer.from('2'));
    await store.delete('a/b/c/one.bin');
    await expect(stat(path.join(root, 'a', 'b'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(path.join(root, 'a'))).isDirectory()).toBe(true);
  });

  it('fails ping when root is not a writable folder', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    const file = path.join(root, 'not-a-folder');
    await writeFile(file, '');
    const broken = new LocalBlobStore({ root: file, signer: new UploadSigner(SECRET), publicUrl: () => '' });
    await expect(broken.ping()).rejects.toThrow();
  });
});

describe('createBlobStore', () => {
  it('picks the implementation from the config', async () => {
    const deps = { secret: SECRET, publicUrl: () => 'http://localhost:4000' };
    const disk = createBlobStore({ kind: 'disk', root: path.join(tmpdir(), 'aperture-unused') }, deps);
    expect(disk).toBeInstanceOf(LocalBlobStore);
    expect(disk.kind).toBe('disk');
    const s3 = createBlobStore({ kind: 's3', bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }, deps);
    expect(s3).toBeInstanceOf(S3BlobStore);
    expect(s3.kind).toBe('s3');
    await s3.close();
  });
});
