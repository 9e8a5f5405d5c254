import { accounts0001 } from './0001-accounts.js';
import { media0002 } from './0002-media.js';
import { social0003 } from './0003-social.js';
import { eventsFeed0004 } from './0004-events-feed.js';
import { tagsSearch0005 } from './0005-tags-search.js';
import { views0007 } from './0007-views.js';
import { feedReadPaths0008 } from './0008-feed-read-paths.js';
import { tagVisibilityPaths0009 } from './0009-tag-visibility-paths.js';
import { leaseHolders0010 } from './0010-lease-holders.js';
import { nodeLeases0011 } from './0011-node-leases.js';
import { readAfterWrite0012 } from './0012-read-after-write.js';
import { mediaVideo0013 } from './0013-media-video.js';
import { moderation0014 } from './0014-moderation.js';
import { limitsWordFilters0015 } from './0015-limits-word-filters.js';
import { mediaBlocklist0016 } from './0016-media-blocklist.js';
import { notifications0006 } from './0006-notifications.js';
import { showSensitive0017 } from './0017-show-sensitive.js';
import { accountData0018 } from './0018-account-data.js';
import type { MigrationFactory } from './migration-factory.js';

export type { MigrationFactory } from './migration-factory.js';

/**
 * Every migration, imported in code rather than discovered on disk, so the built `dist/` carries
 * them. Kysely applies them in key order: append a new key that sorts last; never rename, edit or
 * remove one that has shipped.
 */
export const MIGRATIONS: Readonly<Record<string, MigrationFactory>> = Object.freeze({
  '0001_accounts': accounts0001,
  '0002_media': media0002,
  '0003_social': social0003,
  '0004_events_feed': eventsFeed0004,
  '0005_tags_search': tagsSearch0005,
  '0006_notifications': notifications0006,
  '0007_views': views0007,
  '0008_feed_read_paths': feedReadPaths0008,
  '0009_tag_visibility_paths': tagVisibilityPaths0009,
  '0010_lease_holders': leaseHolders0010,
  '0011_node_leases': nodeLeases0011,
  '0012_read_after_write': readAfterWrite0012,
  '0013_media_video': mediaVideo0013,
  '0014_moderation': moderation0014,
  '0015_limits_word_filters': limitsWordFilters0015,
  '0016_media_blocklist': mediaBlocklist0016,
  '0017_show_sensitive': showSensitive0017,
  '0018_account_data': accountData0018,
});
