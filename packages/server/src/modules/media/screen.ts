/**
 * What processing asks about an upload once its pixels are decoded, and what posts and avatars
 * ask about ready media before using it: the content rules (the media blocklist implements them;
 * services.ts wires it). Declared here, where it is used, so the media module depends on no rule.
 */
export interface MediaScreen {
  /**
   * Whether a new upload may become media. A refusal is recorded by the screen; the caller fails
   * the media with `MEDIA_BLOCKED`.
   */
  admits(media: { id: string; ownerId: string }, perceptualHash: string): Promise<boolean>;
  /** Whether any of these (ready media's hashes; null: none recorded) is blocked now. */
  blocksAny(perceptualHashes: readonly (string | null)[]): Promise<boolean>;
}

/** The message every refused upload gets: it says which rule family, never which entry. */
export const BLOCKED_MESSAGE = "The media was refused by this server's content rules.";

/** A screen that admits everything, for callers wired without content rules. */
export const ADMIT_ALL: MediaScreen = {
  admits: () => Promise.resolve(true),
  blocksAny: () => Promise.resolve(false),
};
