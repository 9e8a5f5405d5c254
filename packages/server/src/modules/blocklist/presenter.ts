import type { MediaBlocklistRefusalsTable, MediaBlocklistTable } from '../../db/schema.js';
import type { BlocklistEntryView, BlocklistRefusalView } from './types.js';

export function presentEntry(row: MediaBlocklistTable): BlocklistEntryView {
  return {
    hash: row.hash,
    reason: row.reason,
    addedById: row.added_by_id,
    sourceMediaId: row.source_media_id,
    createdAt: row.created_at,
  };
}

export function presentRefusal(row: MediaBlocklistRefusalsTable & { username: string | null }): BlocklistRefusalView {
  return {
    mediaId: row.media_id,
    ownerId: row.owner_id,
    ownerUsername: row.username,
    perceptualHash: row.perceptual_hash,
    matchedHash: row.matched_hash,
    distance: row.distance,
    createdAt: row.created_at,
  };
}
