import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * Who holds each work lease: `media.claimed_by` (the image processor) and `events.locked_by` (the
 * outbox dispatcher) name the process that claimed the row. Leases are short and renewed while the
 * work runs, so a renewal can tell that another process has taken the row over; and a process that
 * restarts with the same pinned node id (`APERTURE_NODE_ID`) releases what it held before it died
 * instead of waiting for those leases to lapse.
 */
export const leaseHolders0010: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('media').addColumn('claimed_by', types.text).execute();
    await db.schema.alterTable('events').addColumn('locked_by', types.text).execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('events').dropColumn('locked_by').execute();
    await db.schema.alterTable('media').dropColumn('claimed_by').execute();
  },
});
