import { buffer } from 'node:stream/consumers';
import type { Db } from '../../db/connect.js';
import type { MediaRow } from '../../db/schema.js';
import { AppError } from '../../errors/app-error.js';
import { WorkQueueFullError, type WorkLimiter } from '../../lib/work-limiter.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { derivativeKey } from './keys.js';
import {
  CONTENT_TYPES,
  renderFromDerivative,
  renderVariantWidth,
  widthTarget,
  type ImageSize,
  type RenderedVariant,
} from './pipeline/index.js';
import { parseDerivatives, type DerivativeInfo, type DerivativeMap } from './presenter.js';
import { contentEtag } from './processor.js';
import type { MediaSettings } from '../../config/media-settings.js';
import type { OutputFormat } from './types.js';

/** Seconds a client is asked to wait when too many renders are already waiting. */
export const RENDER_RETRY_AFTER_SECONDS = 2;

/** Where a stored width came from, recorded in its DerivativeInfo. */
export const FROM_ORIGINAL = 'original';

const WIDTH_FILE = /^w(\d+)\.(webp|jpg)$/;

export interface WidthRendererDeps {
  db: Db;
  blobs: BlobStore;
  settings: MediaSettings;
  /** The process-wide limiter that media processing shares: at most N images decode at once. */
  imageWork: WorkLimiter;
}

export interface RenderSource {
  /** `w1080.webp`, or `original`. */
  name: string;
  info?: DerivativeInfo;
}

/**
 * The stored file to scale `target` down from: the narrowest width in the same format (WebP keeps
 * transparency that a JPEG has already lost) at least as wide as the target. Only files rendered
 * from the original qualify, so no width is ever more than two lossy encodes from the upload.
 * `original` when none is wide enough.
 */
export function pickRenderSource(derivatives: DerivativeMap, target: ImageSize, format: OutputFormat): RenderSource {
  let best: RenderSource | undefined;
  for (const [name, info] of Object.entries(derivatives)) {
    const match = WIDTH_FILE.exec(name);
    if (!match || match[2] !== format || info.width < target.width) continue;
    if (info.from !== undefined && info.from !== FROM_ORIGINAL) continue;
    if (!best?.info || info.width < best.info.width) best = { name, info };
  }
  return best ?? { name: FROM_ORIGINAL };
}

/**
 * Renders `?w=` widths on first request and records them on the media row. Each render decodes a
 * stored derivative when one is wide enough, the original only when none is, and always inside the
 * shared image-work limiter: when too many renders already wait, it answers UNAVAILABLE with
 * Retry-After instead of queueing without bound.
 */
export class WidthRenderer {
  /** One render per missing file in this process, however many requests wait for it. */
  private readonly inFlight = new Map<string, Promise<DerivativeInfo>>();

  constructor(private readonly deps: WidthRendererDeps) {}

  render(row: MediaRow, width: number, format: OutputFormat): Promise<DerivativeInfo> {
    const name = `${row.id}/w${width}.${format}`;
    let pending = this.inFlight.get(name);
    if (!pending) {
      pending = this.renderOnce(row, width, format).finally(() => this.inFlight.delete(name));
      this.inFlight.set(name, pending);
    }
    return pending;
  }

  private async renderOnce(row: MediaRow, width: number, format: OutputFormat): Promise<DerivativeInfo> {
    const { blobs, settings, imageWork } = this.deps;
    const original = row.width && row.height ? { width: row.width, height: row.height } : undefined;
    const target = original ? widthTarget(original, width) : undefined;
    const source = target ? pickRenderSource(parseDerivatives(row), target, format) : { name: FROM_ORIGINAL };
    const limits = { maxPixels: settings.maxPixels, maxBytes: settings.maxBytes };

    let rendered: Pick<RenderedVariant, 'data' | 'width' | 'height'>;
    if (target && source.info?.width === target.width && source.info.height === target.height) {
      // The image is narrower than asked and this file already holds it at full size: same bytes.
      rendered = { data: await this.read(derivativeKey(row.id, widthOf(source.name), format)), ...target };
    } else {
      try {
        // The bytes are fetched inside the slot, so a waiting render holds no memory.
        rendered = await imageWork.tryRun(async () =>
          target && source.info
            ? renderFromDerivative(
                await this.read(derivativeKey(row.id, widthOf(source.name), format)),
                target,
                format,
                limits,
              )
            : renderVariantWidth(await this.read(row.original_key), width, format, limits),
        );
      } catch (error) {
        if (!(error instanceof WorkQueueFullError)) throw error;
        throw new AppError('UNAVAILABLE', 'Too many images are being rendered; try again shortly.', {
          retryAfter: RENDER_RETRY_AFTER_SECONDS,
          cause: error,
        });
      }
    }
    const info: DerivativeInfo = {
      width: rendered.width,
      height: rendered.height,
      size: rendered.data.length,
      etag: contentEtag(rendered.data),
      from: source.name,
    };
    await blobs.put(derivativeKey(row.id, `w${width}`, format), rendered.data, { contentType: CONTENT_TYPES[format] });
    await this.record(row.id, `w${width}.${format}`, info);
    return info;
  }

  private async read(key: string): Promise<Buffer> {
    return buffer((await this.deps.blobs.get(key)).body);
  }

  /**
   * Merges one entry under a row lock (Postgres) / the single writer (SQLite): two widths rendered
   * at once by two processes must not overwrite each other's entry.
   */
  private async record(mediaId: string, name: string, info: DerivativeInfo): Promise<void> {
    const { db } = this.deps;
    await db.kysely.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('media')
        .select('derivatives')
        .where('id', '=', mediaId)
        .$if(db.caps.supportsRowLocks, (qb) => qb.forUpdate())
        .executeTakeFirst();
      if (!current) return;
      const merged = { ...parseDerivatives(current), [name]: info };
      await trx
        .updateTable('media')
        .set({ derivatives: JSON.stringify(merged) })
        .where('id', '=', mediaId)
        .execute();
    });
  }
}

/** `w1080.webp` → `w1080`. */
function widthOf(fileName: string): string {
  return fileName.slice(0, fileName.lastIndexOf('.'));
}
