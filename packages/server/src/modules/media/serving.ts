import type { Db } from '../../db/connect.js';
import type { Clock } from '../../clock.js';
import { AppError } from '../../errors/app-error.js';
import { isCanonicalId } from '../../ids/canonical.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { derivativeKey } from './keys.js';
import type { MediaReader } from './media-reader.js';
import { ALLOWED_WIDTHS, renderVariantWidth, snapWidth } from './pipeline/index.js';
import { parseDerivatives, type DerivativeInfo } from './presenters.js';
import { contentEtag } from './processor.js';
import type { MediaSettings } from './settings.js';
import { VARIANTS } from './types.js';
import { canView } from './visibility.js';

const FILE_PATTERN = /^(thumb|w\d{1,4})\.(webp|jpg)$/;

export interface ServableFile {
  key: string;
  contentType: 'image/webp' | 'image/jpeg';
  info: DerivativeInfo;
  isPublic: boolean;
}

export interface MediaRequest {
  mediaId: string;
  file: string;
  viewerId: string | null;
  /** A capability signature from a media URL (`?exp=&sig=`). */
  exp?: string | undefined;
  sig?: string | undefined;
}

/**
 * Decides what `GET /media/:id/:file` serves: only derivatives (never the original), only to
 * viewers the visibility rule admits (or holders of a valid signed URL), and generates an allowed
 * dynamic width once on first request. Anything else is NOT_FOUND, so probing reveals nothing.
 */
export class MediaServing {
  /** One generation per missing variant in this process, however many requests wait for it. */
  private readonly inFlight = new Map<string, Promise<DerivativeInfo>>();

  constructor(
    private readonly deps: { db: Db; blobs: BlobStore; clock: Clock; settings: MediaSettings; reader: MediaReader },
  ) {}

  /** The canonical file for `?w=N`: the snapped width, in the same format. */
  canonicalWidthFile(file: string, requestedWidth: number): string {
    const ext = file.endsWith('.jpg') ? 'jpg' : 'webp';
    return `w${snapWidth(requestedWidth)}.${ext}`;
  }

  async resolve(request: MediaRequest): Promise<ServableFile> {
    const match = FILE_PATTERN.exec(request.file);
    if (!match || !isCanonicalId(request.mediaId)) throw notFound();
    const [, variant = '', ext = ''] = match;
    const isFixed = (VARIANTS as readonly string[]).includes(variant);
    if (!isFixed && !ALLOWED_WIDTHS.includes(Number(variant.slice(1)))) throw notFound();

    const { db, reader } = this.deps;
    const row = await db.kysely.selectFrom('media').selectAll().where('id', '=', request.mediaId).executeTakeFirst();
    if (!row || row.status !== 'ready') throw notFound();
    const access = await canView(db.kysely, request.viewerId, row);
    if (!access.visible && !reader.urls.verify(row.id, request.exp, request.sig)) throw notFound();

    const name = `${variant}.${ext}`;
    const info =
      parseDerivatives(row)[name] ??
      (isFixed ? undefined : await this.generate(row.id, row.original_key, variant, ext));
    if (!info) throw notFound();
    return {
      key: derivativeKey(row.id, variant, ext as 'webp' | 'jpg'),
      contentType: ext === 'jpg' ? 'image/jpeg' : 'image/webp',
      info,
      isPublic: access.public,
    };
  }

  private generate(mediaId: string, originalKey: string, variant: string, ext: string): Promise<DerivativeInfo> {
    const name = `${mediaId}/${variant}.${ext}`;
    let pending = this.inFlight.get(name);
    if (!pending) {
      pending = this.render(mediaId, originalKey, variant, ext).finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, pending);
    }
    return pending;
  }

  private async render(mediaId: string, originalKey: string, variant: string, ext: string): Promise<DerivativeInfo> {
    const { db, blobs, settings } = this.deps;
    const format = ext as 'webp' | 'jpg';
    const { body } = await blobs.get(originalKey);
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
    const rendered = await renderVariantWidth(Buffer.concat(chunks), Number(variant.slice(1)), format, {
      maxPixels: settings.maxPixels,
    });
    await blobs.put(derivativeKey(mediaId, variant, format), rendered.data, {
      contentType: format === 'jpg' ? 'image/jpeg' : 'image/webp',
    });
    const info: DerivativeInfo = {
      width: rendered.width,
      height: rendered.height,
      size: rendered.data.length,
      etag: contentEtag(rendered.data),
    };
    // Merge under a row lock (Postgres) / the single writer (SQLite): two widths generated at once
    // by two processes must not overwrite each other's entry.
    await db.kysely.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('media')
        .select('derivatives')
        .where('id', '=', mediaId)
        .$if(db.caps.supportsRowLocks, (qb) => qb.forUpdate())
        .executeTakeFirst();
      if (!current) return;
      const merged = { ...parseDerivatives(current), [`${variant}.${format}`]: info };
      await trx
        .updateTable('media')
        .set({ derivatives: JSON.stringify(merged) })
        .where('id', '=', mediaId)
        .execute();
    });
    return info;
  }
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No such media file.');
}
