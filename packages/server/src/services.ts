import type { Clock } from './clock.js';
import type { Db } from './db/connect.js';
import type { IdGenerator } from './ids/snowflake.js';
import { AccountsService } from './modules/accounts/service.js';
import { createArgon2Hasher, type PasswordHasher } from './modules/accounts/passwords.js';
import type { BlobStore } from './storage/blob-store.js';

export interface ServiceDeps {
  db: Db;
  blobs: BlobStore;
  ids: IdGenerator;
  clock: Clock;
  sessionTtlDays: number;
  passwords?: PasswordHasher;
}

/** Every domain service, wired once. Each service receives only what it needs. */
export interface Services {
  accounts: AccountsService;
}

export function createServices(deps: ServiceDeps): Services {
  return {
    accounts: new AccountsService({
      db: deps.db,
      ids: deps.ids,
      clock: deps.clock,
      passwords: deps.passwords ?? createArgon2Hasher(),
      sessionTtlDays: deps.sessionTtlDays,
    }),
  };
}
