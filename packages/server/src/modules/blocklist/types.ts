/** The blocklist's shapes on the wire and in `aperture admin blocklist …`. */

export interface BlocklistEntryView {
  /** 16 hex digits. */
  hash: string;
  reason: string;
  /** The user who added it through the API; null when added with the admin CLI. */
  addedById: string | null;
  /** The media it was taken from, while that media exists. */
  sourceMediaId: string | null;
  createdAt: string;
}

export interface BlocklistAddResult {
  entry: BlocklistEntryView;
  /** False when the hash was blocked already (the entry is kept as it was). */
  created: boolean;
  /** Ready media whose hash is within the distance of the entry's (the source included). */
  matchedMedia: number;
  /** Live posts using that media, hidden now (they were visible before). */
  hiddenPosts: number;
}

export interface BlocklistRefusalView {
  mediaId: string;
  ownerId: string;
  /** The uploader's username (null once the account is gone). */
  ownerUsername: string | null;
  perceptualHash: string;
  /** The entry it matched; the uploader is never told which. */
  matchedHash: string;
  distance: number;
  createdAt: string;
}
