import path from 'node:path';
import type { DatabaseConfig } from '../db/connect.js';
import type { BlobStoreConfig } from '../storage/index.js';

export interface ReadReplicaConfig {
  /** The replica's URL, without a schema: it serves the primary's schema. */
  url: string;
  maxLagMs: number;
}

/** `sqlite:<path>` or `postgres://…[?schema=name]`. */
export function parseDatabaseUrl(url: string, baseDir: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new Error('sqlite: URL needs a file path, e.g. sqlite:./data/aperture.db');
    return { kind: 'sqlite', path: file === ':memory:' ? file : path.resolve(baseDir, file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error('schema must be a lower-case SQL identifier');
    }
    return { kind: 'postgres', url: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  throw new Error('must start with sqlite: or postgres://');
}

/**
 * A streaming replica serves the primary's own tables, so it is Postgres like the primary, and its
 * URL names no other schema (`?schema=` of the primary's URL applies to both).
 */
export function parseReadUrl(
  url: string,
  primary: DatabaseConfig | undefined,
  maxLagSeconds: number,
): ReadReplicaConfig {
  if (primary?.kind === 'sqlite') {
    throw new Error('a read replica needs Postgres: APERTURE_DATABASE_URL is SQLite, which has no replicas');
  }
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('must start with postgres://');
  const parsed = parseDatabaseUrl(url, '.');
  if (parsed.kind !== 'postgres') throw new Error('must start with postgres://');
  if (parsed.schema !== undefined && parsed.schema !== primary?.schema) {
    throw new Error("must not name a schema of its own: the replica serves APERTURE_DATABASE_URL's schema");
  }
  return { url: parsed.url, maxLagMs: Math.round(maxLagSeconds * 1000) };
}

/** `file:<dir>` or `s3://<bucket>?region=…&endpoint=…&forcePathStyle=true`. */
export function parseMediaUrl(url: string, baseDir: string, defaultRegion: string | undefined): BlobStoreConfig {
  if (url.startsWith('file:')) {
    const dir = url.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (dir === '') throw new Error('file: URL needs a directory, e.g. file:./data/media');
    return { kind: 'disk', root: path.resolve(baseDir, dir) };
  }
  if (url.startsWith('s3://')) {
    const parsed = new URL(url);
    const bucket = parsed.hostname;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`"${bucket}" is not a valid bucket name`);
    const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) throw new Error('endpoint must be an http(s) URL');
    const region = parsed.searchParams.get('region') ?? defaultRegion ?? 'us-east-1';
    const forcePathStyle = parsed.searchParams.get('forcePathStyle');
    if (forcePathStyle !== null && forcePathStyle !== 'true' && forcePathStyle !== 'false') {
      throw new Error('forcePathStyle must be true or false');
    }
    return {
      kind: 's3',
      bucket,
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(forcePathStyle !== null ? { forcePathStyle: forcePathStyle === 'true' } : {}),
    };
  }
  throw new Error('must start with file: or s3://');
}
