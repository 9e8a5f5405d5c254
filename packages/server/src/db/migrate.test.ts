import { describe, expect, it } from 'vitest';
import { isCatalogScanRace } from './migrate.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isCatalogScanRace', () => {
  it('retries a scan that tripped over another schema, table or column changing under it', () => {
    expect(isCatalogScanRace(pgError('3F000', 'schema "t_other" does not exist'), [], 't_ours')).toBe(true);
    expect(isCatalogScanRace(pgError('42P01', 'relation "sessions" does not exist'), [], 't_ours')).toBe(true);
    expect(
      isCatalogScanRace(pgError('42703', 'column "revoked_at" of relation "sessions" does not exist'), [], 't_ours'),
    ).toBe(true);
  });

  it('never retries a migration that failed, our own schema missing, or any other error', () => {
    const failedRun = [{ status: 'Success' }, { status: 'Error' }];
    expect(isCatalogScanRace(pgError('42703', 'column "x" does not exist'), failedRun, 't_ours')).toBe(false);
    expect(isCatalogScanRace(pgError('3F000', 'schema "t_ours" does not exist'), [], 't_ours')).toBe(false);
    expect(isCatalogScanRace(pgError('23505', 'duplicate key value'), [], 't_ours')).toBe(false);
    expect(isCatalogScanRace(undefined, [], 't_ours')).toBe(false);
  });
});
