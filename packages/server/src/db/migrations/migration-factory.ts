import type { Migration } from 'kysely';

import type { DialectCapabilities } from '../capabilities.js';

/** A migration built for one dialect: the caps supply column types so one file serves both. */
export type MigrationFactory = (caps: DialectCapabilities) => Migration;
