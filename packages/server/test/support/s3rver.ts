import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

/** s3rver's built-in account; it accepts any signature made with these. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const S3RVER_REGION = 'us-east-1';

export interface S3rverHarness {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
  /**
   * While set, each PUT of an object or part under `keyPrefix` (of part `partNumber`, when given)
   * has its connection cut after `afterBytes` bytes of its body, before s3rver stores anything:
   * the client sees a reset mid-upload, as when a store or the network fails. Undefined disarms.
   */
  cutPuts(fault: PutFault | undefined): void;
  /** PUTs cut so far. */
  readonly cuts: number;
  /** Multipart uploads started and neither completed nor aborted. */
  openMultipartUploads(): Promise<number>;
  /** Requests not answered yet (`METHOD path for N ms`): what a hung client is waiting for. */
  pending(): string[];
}

export interface PutFault {
  keyPrefix: string;
  afterBytes: number;
  partNumber?: number;
}

// s3rver ships no types; these are the few members the harness touches.
interface KoaContext {
  method: string;
  store: FilesystemStore;
  path: string;
  query: Record<string, string | string[] | undefined>;
  req: IncomingMessage | Readable;
  res: ServerResponse;
  status: number;
  type: string;
  body: unknown;
  /** false: Koa leaves the response alone (the connection was cut). */
  respond: boolean;
}
interface FilesystemStore {
  listObjects(
    bucket: string,
    options: { prefix?: string; maxKeys?: number },
  ): Promise<{ objects: { key: string; size: number; lastModifiedDate: Date; metadata: Record<string, string> }[] }>;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInstance {
  middleware: Middleware[];
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
type S3ErrorClass = new (code: string, message: string, detail?: Record<string, unknown>) => Error;

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverClass;
const S3Error = require('s3rver/lib/models/error') as S3ErrorClass;

/** Starts s3rver on 127.0.0.1 (free port) in a temp folder with one fresh bucket. Silent. */
export async function startS3rver(): Promise<S3rverHarness> {
  const directory = await mkdtemp(path.join(tmpdir(), 'aperture-s3rver-'));
  const bucket = 'aperture-test';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const faults: FaultState = { fault: undefined, cuts: 0 };
  const pending = new Map<KoaContext, number>();
  // Koa composes `middleware` when the server starts listening, so these run before s3rver's router.
  server.middleware.unshift(
    async (ctx, next) => {
      pending.set(ctx, Date.now());
      try {
        await next();
      } finally {
        pending.delete(ctx);
      }
    },
    cutPutsMiddleware(faults),
    multipartGapsMiddleware(directory),
    listMultipartUploadsMiddleware(directory),
    listObjectsV2Middleware(),
    atomicPutMiddleware(),
  );
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
    cutPuts(fault) {
      faults.fault = fault;
    },
    get cuts() {
      return faults.cuts;
    },
    pending() {
      return [...pending].map(([ctx, at]) => `${ctx.method} ${ctx.path} for ${Date.now() - at} ms`);
    },
    async openMultipartUploads() {
      const uploads = await readdir(path.join(directory, bucket, '._S3rver_uploads')).catch(() => []);
      return uploads.length;
    },
  };
}

interface FaultState {
  fault: PutFault | undefined;
  cuts: number;
}

/** A real fault over HTTP for tests of Aperture's S3 writes: see `S3rverHarness.cutPuts`. */
function cutPutsMiddleware(state: FaultState): Middleware {
  return async (ctx, next) => {
    const { fault } = state;
    const { key } = bucketAndKey(ctx);
    const part = ctx.query['partNumber'];
    if (
      !fault ||
      ctx.method !== 'PUT' ||
      !key.startsWith(fault.keyPrefix) ||
      (fault.partNumber !== undefined && part !== String(fault.partNumber))
    ) {
      return next();
    }
    const req = ctx.req as IncomingMessage;
    await new Promise<void>((resolve) => {
      let seen = 0;
      const onData = (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= fault.afterBytes) resolve();
      };
      req.on('data', onData);
      req.once('end', () => resolve());
      req.once('error', () => resolve());
    });
    state.cuts += 1;
    ctx.respond = false;
    req.socket.destroy();
  };
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

/** `/<bucket>/<key…>` of a path-style request, decoded. */
function bucketAndKey(ctx: KoaContext): { bucket: string; key: string } {
  const [, bucket = '', ...keySegments] = ctx.path.split('/').map((s) => decodeURIComponent(s));
  return { bucket, key: keySegments.join('/') };
}

/**
 * Fills a gap of the test double, not of Aperture: a real S3 PUT is atomic, but s3rver streams the
 * body straight into the object's final file, so concurrent PUTs of one key interleave their bytes.
 * Serialising PUTs per key here gives the double S3's semantics (the last complete PUT wins).
 * A PUT whose client went away before its answer (a process killed while uploading, a client that
 * timed out) may never finish in s3rver, which does not notice; it stops holding the key up once
 * its connection closes, as S3 would drop it.
 */
function atomicPutMiddleware(): Middleware {
  const tails = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const { bucket, key } = bucketAndKey(ctx);
    const subresource = ['uploadId', 'partNumber', 'tagging', 'acl'].some((q) => q in ctx.query);
    if (ctx.method !== 'PUT' || key === '' || subresource) {
      return next();
    }
    const id = `${bucket}/${key}`;
    const previous = tails.get(id) ?? Promise.resolve();
    // Abandoned: the connection closed before the answer was written — the client was killed, or
    // gave up waiting (its body may have arrived in full: s3rver can still sit on it). A PUT
    // abandoned while queued is never handed to s3rver at all.
    const res = ctx.res;
    let gone = false;
    const abandoned = new Promise<void>((resolve) =>
      res.once('close', () => {
        if (res.writableFinished) return;
        gone = true;
        resolve();
      }),
    );
    const mine = previous.then(() => (gone ? undefined : Promise.race([next(), abandoned])));
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    tails.set(id, tail);
    try {
      await mine;
    } finally {
      if (tails.get(id) === tail) tails.delete(id);
    }
  };
}

/**
 * Fills a gap of the test double, not of Aperture: s3rver 3.7.1 encrypts ListObjectsV2 continuation
 * tokens with DES, which OpenSSL 3 (Node ≥ 17) no longer provides, so every truncated listing fails
 * with InternalError; it also orders keys by folder walk ("a/b" before "a-c"), not by key as S3
 * does. This answers ListObjectsV2 without a delimiter (all Aperture uses) from s3rver's own store.
 */
function listObjectsV2Middleware(): Middleware {
  return async (ctx, next) => {
    const { bucket, key } = bucketAndKey(ctx);
    if (ctx.method !== 'GET' || key !== '' || ctx.query['list-type'] !== '2' || ctx.query['delimiter']) {
      return next();
    }
    const prefix = typeof ctx.query['prefix'] === 'string' ? ctx.query['prefix'] : '';
    const maxKeys = Math.min(1000, Number(ctx.query['max-keys'] ?? 1000));
    const token = ctx.query['continuation-token'];
    const startAfter =
      typeof token === 'string'
        ? Buffer.from(token, 'base64url').toString('utf8')
        : typeof ctx.query['start-after'] === 'string'
          ? ctx.query['start-after']
          : '';
    const { objects } = await ctx.store.listObjects(bucket, { prefix, maxKeys: Infinity });
    const sorted = objects
      .filter((o) => o.key > startAfter)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const page = sorted.slice(0, maxKeys);
    const truncated = sorted.length > page.length;
    const contents = page
      .map(
        (o) =>
          `<Contents><Key>${escapeXml(o.key)}</Key><LastModified>${o.lastModifiedDate.toISOString()}</LastModified>` +
          `<ETag>${escapeXml(o.metadata['etag'] ?? '')}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join('');
    const nextToken = truncated ? Buffer.from(page.at(-1)?.key ?? '').toString('base64url') : undefined;
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
      `<MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      (typeof token === 'string' ? `<ContinuationToken>${token}</ContinuationToken>` : '') +
      (nextToken === undefined ? '' : `<NextContinuationToken>${nextToken}</NextContinuationToken>`) +
      `${contents}</ListBucketResult>`;
  };
}

/**
 * Fills a gap of the test double, not of Aperture: s3rver 3.7.1 answers ListMultipartUploads
 * (GET /<bucket>?uploads) with NotImplemented. This lists the uploads still open in s3rver's own
 * folder layout (`<dir>/<bucket>/._S3rver_uploads/<uploadId>/key`; completing or aborting one
 * removes its folder), initiated when its `key` file was written. One page, as Aperture's few
 * open uploads always fit in S3's 1,000.
 */
function listMultipartUploadsMiddleware(directory: string): Middleware {
  return async (ctx, next) => {
    const { bucket, key } = bucketAndKey(ctx);
    if (ctx.method !== 'GET' || key !== '' || !('uploads' in ctx.query)) return next();
    const uploadsDir = path.join(directory, bucket, '._S3rver_uploads');
    const entries = await readdir(uploadsDir).catch(() => [] as string[]);
    const uploads: string[] = [];
    for (const uploadId of entries.sort()) {
      const keyFile = path.join(uploadsDir, uploadId, 'key');
      const [storedKey, info] = await Promise.all([
        readFile(keyFile, 'utf8').catch(() => undefined),
        stat(keyFile).catch(() => undefined),
      ]);
      if (storedKey === undefined || info === undefined) continue;
      uploads.push(
        `<Upload><Key>${escapeXml(storedKey)}</Key><UploadId>${uploadId}</UploadId>` +
          `<Initiated>${info.mtime.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
      );
    }
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<Bucket>${escapeXml(bucket)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
      `<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
  };
}

/**
 * Fills gaps of the test double, not of Aperture: real S3 implements all of this. s3rver 3.7.1 has
 * no ListParts (GET ?uploadId) and no AbortMultipartUpload (DELETE ?uploadId answers 405), accepts
 * parts for unknown uploads, and completes uploads without checking the listed parts' ETags or sizes.
 * This middleware answers the first two from s3rver's own folder layout
 * (`<dir>/<bucket>/._S3rver_uploads/<uploadId>/{key, metadata, <n>, <n>.md5}`) and adds S3's checks
 * (NoSuchUpload, InvalidPart, EntityTooSmall) before handing the rest to s3rver.
 */
function multipartGapsMiddleware(directory: string): Middleware {
  return async (ctx, next) => {
    const uploadIdParam = ctx.query['uploadId'];
    if (typeof uploadIdParam !== 'string') return next();
    const { bucket, key } = bucketAndKey(ctx);
    const uploadDir = path.join(directory, bucket, '._S3rver_uploads', uploadIdParam);
    await assertUploadExists(uploadDir, uploadIdParam, key);

    switch (ctx.method) {
      case 'GET':
        ctx.type = 'application/xml';
        ctx.body = await listPartsXml(uploadDir, bucket, key, uploadIdParam);
        return;
      case 'DELETE':
        await rm(uploadDir, { recursive: true, force: true });
        ctx.status = 204;
        return;
      case 'POST': {
        const xml = await readBody(ctx.req);
        await checkCompletion(uploadDir, xml);
        // s3rver reads the completion body itself, so give it a fresh copy.
        ctx.req = Readable.from([Buffer.from(xml)]);
        return next();
      }
      default:
        return next();
    }
  };
}

async function assertUploadExists(uploadDir: string, uploadId: string, key: string): Promise<void> {
  const noSuchUpload = () =>
    new S3Error(
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      { UploadId: uploadId },
    );
  if (!/^[0-9a-f]+$/.test(uploadId)) throw noSuchUpload();
  const storedKey = await readFile(path.join(uploadDir, 'key'), 'utf8').catch(() => undefined);
  if (storedKey !== key) throw noSuchUpload();
}

interface PartFile {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: Date;
}

async function readParts(uploadDir: string): Promise<PartFile[]> {
  const parts: PartFile[] = [];
  for (const name of await readdir(uploadDir)) {
    if (!/^\d+$/.test(name)) continue;
    const [info, etag] = await Promise.all([
      stat(path.join(uploadDir, name)),
      readFile(path.join(uploadDir, `${name}.md5`), 'utf8').catch(() => undefined),
    ]);
    if (etag !== undefined) parts.push({ partNumber: Number(name), etag, size: info.size, lastModified: info.mtime });
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

async function listPartsXml(uploadDir: string, bucket: string, key: string, uploadId: string): Promise<string> {
  const parts = await readParts(uploadDir);
  const partXml = parts
    .map(
      (p) =>
        `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${p.lastModified.toISOString()}</LastModified>` +
        `<ETag>&quot;${p.etag}&quot;</ETag><Size>${p.size}</Size></Part>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId>` +
    `<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${parts.at(-1)?.partNumber ?? 0}</NextPartNumberMarker>` +
    `<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${partXml}</ListPartsResult>`
  );
}

async function checkCompletion(uploadDir: string, xml: string): Promise<void> {
  const stored = new Map((await readParts(uploadDir)).map((p) => [p.partNumber, p]));
  const listed = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
    partNumber: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1] ?? '')?.[1]),
    etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(m[1] ?? '')?.[1] ?? '').replaceAll('&quot;', '').replaceAll('"', ''),
  }));
  for (const [index, part] of listed.entries()) {
    const found = stored.get(part.partNumber);
    if (!found || found.etag !== part.etag) {
      throw new S3Error(
        'InvalidPart',
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { UploadId: path.basename(uploadDir), PartNumber: part.partNumber, ETag: part.etag },
      );
    }
    if (found.size < MIN_PART_SIZE && index < listed.length - 1) {
      throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {
        PartNumber: part.partNumber,
      });
    }
  }
}

async function readBody(req: IncomingMessage | Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
