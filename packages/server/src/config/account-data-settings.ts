/**
 * How long account exports and deleted accounts are kept (docs/accounts.md). The contract the
 * config parses into and `modules/account-data` reads; it sits in config/ because config is the
 * lower layer.
 */
export interface AccountDataSettings {
  /** A ready export's archive is removed (and its link stops working) this long after it was built. */
  exportTtlMs: number;
  /** A deleted account is purged this long after its owner deleted it. */
  deletionGraceMs: number;
  /** A purged account's username stays reserved this long, so no one takes it over at once. */
  usernameHoldMs: number;
}

const HOUR_MS = 3_600_000;

export const DEFAULT_ACCOUNT_DATA_SETTINGS: AccountDataSettings = {
  exportTtlMs: 48 * HOUR_MS,
  deletionGraceMs: 14 * 24 * HOUR_MS,
  usernameHoldMs: 90 * 24 * HOUR_MS,
};
