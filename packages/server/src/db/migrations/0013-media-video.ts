import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * Video facts on `media`, read by ffprobe when the video is processed (null for photos):
 * `duration_ms`, `fps`, `video_codec`, `audio_codec` (null without sound) and `has_audio`. A
 * video's `width`/`height` are its upright frame size; its renditions (`720.mp4`, `360.mp4`) are
 * listed in `derivatives` beside its poster's. `progress` is 0–100 while a video is transcoded.
 */
const COLUMNS = ['duration_ms', 'fps', 'video_codec', 'audio_codec', 'has_audio', 'progress'] as const;

export const mediaVideo0013: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('media').addColumn('duration_ms', types.integer).execute();
    await db.schema.alterTable('media').addColumn('fps', types.float).execute();
    await db.schema.alterTable('media').addColumn('video_codec', types.text).execute();
    await db.schema.alterTable('media').addColumn('audio_codec', types.text).execute();
    await db.schema.alterTable('media').addColumn('has_audio', types.integer).execute();
    await db.schema.alterTable('media').addColumn('progress', types.integer).execute();
  },

  async down(db: Kysely<unknown>) {
    for (const column of [...COLUMNS].reverse()) await db.schema.alterTable('media').dropColumn(column).execute();
  },
});
