import type { Db } from '../../db/connect.js';
import { AppError } from '../../errors/app-error.js';
import { isCanonicalId } from '../../ids/canonical.js';
import { derivativeKey } from './keys.js';
import type { MediaReader } from './media-reader.js';
import { ALLOWED_WIDTHS, snapWidth } from './pipeline/index.js';
import { parseDerivatives, type DerivativeInfo } from './presenter.js';
import { VARIANTS } from './types.js';
import { canView } from './visibility.js';
import type { WidthRenderer } from './width-renderer.js';

/**
 * Widths are written one way only (`w64`, never `w064`): every other spelling of the same number
 * would be another file to render, store and cache.
 */
const FILE_PATTERN = /^(thumb|w[1-9]\d{0,3})\.(webp|jpg)$/;
/** A video's renditions: served as they were stored, never rendered on request. */
const RENDITION_PATTERN = /^(720|360)\.mp4$/;

export interface ServableFile {
  key: string;
  contentType: 'image/webp' | 'image/jpeg' | 'video/mp4';
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
  constructor(private readonly deps: { db: Db; reader: MediaReader; widths: WidthRenderer }) {}

  /** The canonical file for `?w=N`: the snapped width, in the same format. */
  canonicalWidthFile(file: string, requestedWidth: number): string {
    const ext = file.endsWith('.jpg') ? 'jpg' : 'webp';
    return `w${snapWidth(requestedWidth)}.${ext}`;
  }

  async resolve(request: MediaRequest): Promise<ServableFile> {
    const rendition = RENDITION_PATTERN.exec(request.file);
    if (rendition && isCanonicalId(request.mediaId)) return this.resolveRendition(request, rendition[1]!);
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
    const info: DerivativeInfo | undefined =
      parseDerivatives(row)[name] ??
      (isFixed ? undefined : await this.deps.widths.render(row, Number(variant.slice(1)), ext as 'webp' | 'jpg'));
    if (!info) throw notFound();
    return {
      key: derivativeKey(row.id, variant, ext as 'webp' | 'jpg'),
      contentType: ext === 'jpg' ? 'image/jpeg' : 'image/webp',
      info,
      isPublic: access.public,
    };
  }

  /** A rendition a ready video lists, under the same visibility rule and signatures as its poster. */
  private async resolveRendition(request: MediaRequest, height: string): Promise<ServableFile> {
    const { db, reader } = this.deps;
    const row = await db.kysely.selectFrom('media').selectAll().where('id', '=', request.mediaId).executeTakeFirst();
    if (!row || row.status !== 'ready') throw notFound();
    const access = await canView(db.kysely, request.viewerId, row);
    if (!access.visible && !reader.urls.verify(row.id, request.exp, request.sig)) throw notFound();
    const info = parseDerivatives(row)[request.file];
    if (!info) throw notFound();
    return { key: derivativeKey(row.id, height, 'mp4'), contentType: 'video/mp4', info, isPublic: access.public };
  }
}

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No such media file.');
}
