import type { Kysely } from 'kysely';

import type { MigrationFactory } from './migration-factory.js';

/**
 * One row per snowflake node id (0..8191) that a server process has ever leased. A live process
 * holds its row (`holder`, `expires_at` renewed on a heartbeat); a stopped one frees it (holder and
 * expiry null) but leaves the row, so `generation` keeps counting claims of that id and the name
 * each claim gives its work leases (`node-<node>.<generation>`) is never reused. `host`, `pid` and
 * `role` are for operators, and let a process on the same machine tell that a holder died.
 * The column is `node`, not `node_id`: `*_id` columns are read back as decimal strings.
 */
export const nodeLeases0011: MigrationFactory = ({ types }) => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('node_leases')
      .addColumn('node', types.integer, (col) => col.primaryKey())
      .addColumn('generation', types.integer, (col) => col.notNull())
      .addColumn('holder', types.text)
      .addColumn('host', types.text)
      .addColumn('machine', types.text)
      .addColumn('pid', types.integer)
      .addColumn('role', types.text)
      .addColumn('claimed_at', types.timestamp)
      .addColumn('expires_at', types.timestamp)
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('node_leases').execute();
  },
});
