import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEphemeralServer, type EphemeralServer } from '@aperture/server';
import { createCliHome, requireBuild, type CliHome } from './support/cli.js';

let server: EphemeralServer;
let home: CliHome;

beforeAll(async () => {
  requireBuild();
  server = await startEphemeralServer();
  home = await createCliHome();
});
afterAll(async () => {
  await home?.cleanup();
  await server?.stop();
});

interface EventSummary {
  id: string;
  type: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

describe('aperture admin events', () => {
  it('lists parked events with their error and re-queues one with --retry', async () => {
    const now = new Date().toISOString();
    // A parked event as the dispatcher leaves it after its last failed attempt.
    await server.server.db.kysely
      .insertInto('events')
      .values({
        id: '900000000000000001',
        type: 'media.ready',
        payload: JSON.stringify({ mediaId: '1', ownerId: '2' }),
        status: 'parked',
        attempts: 8,
        available_at: now,
        locked_until: null,
        last_error: 'thumbnail store unavailable',
        created_at: now,
        processed_at: null,
      })
      .execute();

    const listed = await home.run(['--json', 'admin', 'events', '--status', 'parked', '--data-dir', server.dataDir]);
    expect(listed.code).toBe(0);
    const { events } = JSON.parse(listed.stdout) as { events: EventSummary[] };
    expect(events).toEqual([
      expect.objectContaining({
        id: '900000000000000001',
        type: 'media.ready',
        status: 'parked',
        attempts: 8,
        lastError: 'thumbnail store unavailable',
      }),
    ]);

    const human = await home.run(['admin', 'events', '--limit', '5', '--data-dir', server.dataDir]);
    expect(human.code).toBe(0);
    // Piped: id, type, status, attempts, ISO date, last error.
    expect(human.stdout).toMatch(
      /^900000000000000001\tmedia\.ready\tparked\t8\t\d{4}-\d\d-\d\dT[\d:.]+Z\tthumbnail store unavailable$/m,
    );

    const retried = await home.run([
      '--json',
      'admin',
      'events',
      '--retry',
      '900000000000000001',
      '--data-dir',
      server.dataDir,
    ]);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id: '900000000000000001', status: 'pending', attempts: 0 });
    const row = await server.server.db.kysely
      .selectFrom('events')
      .select(['status', 'attempts'])
      .where('id', '=', '900000000000000001')
      .executeTakeFirstOrThrow();
    // The running server may already have delivered it again.
    expect(['pending', 'done']).toContain(row.status);
    expect(row.attempts).toBe(0);

    const missing = await home.run(['admin', 'events', '--retry', '42', '--data-dir', server.dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No such event: 42');
    const bad = await home.run(['admin', 'events', '--status', 'stuck', '--data-dir', server.dataDir]);
    expect(bad.code).toBe(2);
  });
});
