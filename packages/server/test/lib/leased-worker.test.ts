import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/lib/lease.js';
import { LeasedWorker, type LeasedWork } from '../../src/lib/leased-worker.js';
import { DIALECTS, type TestDatabase } from '../support/databases.js';

const LEASE_MS = 30_000;

/**
 * Leased work over a real table, the way the media processor and the outbox use theirs: a
 * conditional UPDATE claims a free row in the holder's name, renewals and the final write happen
 * only while the row is still the holder's.
 */
function jobsOf(t: TestDatabase, holder: string, run: (id: number, lease: AbortSignal) => Promise<void>) {
  const db = t.db.kysely;
  const afterLost: number[] = [];
  const work: LeasedWork<number> = {
    async claim() {
      const now = Date.now();
      const free = sql`done = 0 and (claimed_until is null or claimed_until < ${now})`;
      const { rows } = await sql<{ id: number }>`
        update lw_jobs set claimed_by = ${holder}, claimed_until = ${now + LEASE_MS}
        where id = (select id from lw_jobs where ${free} order by id limit 1) and ${free}
        returning id`.execute(db);
      return rows[0] === undefined ? undefined : Number(rows[0].id);
    },
    async renew(id) {
      const { rows } = await sql`
        update lw_jobs set claimed_until = ${Date.now() + LEASE_MS}
        where id = ${id} and claimed_by = ${holder} returning id`.execute(db);
      return rows.length === 1;
    },
    async run(id, lease) {
      await run(id, lease);
      lease.throwIfAborted();
      await sql`update lw_jobs set done = 1, runs = runs + 1, claimed_until = null
        where id = ${id} and claimed_by = ${holder}`.execute(db);
    },
    async afterLeaseLost(id) {
      afterLost.push(id);
    },
    describe: (id) => `job ${id}`,
  };
  return { work, afterLost };
}

describe.each(DIALECTS)('the leased-worker loop on $name', (dialect) => {
  let t: TestDatabase;
  const errors: string[] = [];
  const log = { info: () => undefined, error: (_obj: object, msg: string) => void errors.push(msg) };

  beforeEach(async () => {
    t = await dialect.create();
    errors.length = 0;
    await sql`create table lw_jobs (
      id integer primary key, claimed_by text, claimed_until bigint,
      done integer not null default 0, runs integer not null default 0)`.execute(t.db.kysely);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const addJobs = async (from: number, count: number) => {
    for (let id = from; id < from + count; id++)
      await sql`insert into lw_jobs (id) values (${id})`.execute(t.db.kysely);
  };
  const jobs = async () =>
    (
      await sql<{ id: number; done: number; runs: number }>`select id, done, runs from lw_jobs order by id`.execute(
        t.db.kysely,
      )
    ).rows.map((r) => ({ id: Number(r.id), done: Number(r.done), runs: Number(r.runs) }));

  it('two holders with two loops each finish every job exactly once; stop waits for work in flight', async () => {
    await addJobs(1, 24);
    const running = new Set<number>();
    let overlapped = false;
    const slowly = async (id: number) => {
      if (running.has(id)) overlapped = true;
      running.add(id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running.delete(id);
    };
    const workers = ['node-a', 'node-b'].map(
      (holder) =>
        new LeasedWorker({ name: holder, work: jobsOf(t, holder, slowly).work, log, pollMs: 20, concurrency: 2 }),
    );
    for (const worker of workers) worker.start();
    await expect
      .poll(async () => (await jobs()).every((job) => job.done === 1), { timeout: 20_000, interval: 50 })
      .toBe(true);
    await Promise.all(workers.map((worker) => worker.stop()));
    expect(overlapped).toBe(false);
    expect((await jobs()).map((job) => job.runs)).toEqual(Array.from({ length: 24 }, () => 1));
    expect(errors).toEqual([]);
  });

  it('kick() wakes an idle loop at once instead of at its next poll', async () => {
    let claims = 0;
    const { work } = jobsOf(t, 'node-a', async () => undefined);
    const counted: LeasedWork<number> = { ...work, claim: () => (claims++, work.claim()) };
    const worker = new LeasedWorker({ name: 'kicked', work: counted, log, pollMs: 60_000 });
    worker.start();
    try {
      // Its first look found nothing and it went to sleep for a minute.
      await expect.poll(() => claims > 0 && !worker.busy).toBe(true);
      await addJobs(1, 1);
      worker.kick();
      await expect.poll(async () => (await jobs())[0]?.done, { timeout: 10_000 }).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('a kick() that comes while the loop is looking is kept: the job committed meanwhile is not left to the poll', async () => {
    let claims = 0;
    let releaseClaim!: () => void;
    const claimHeld = new Promise<void>((resolve) => (releaseClaim = resolve));
    const { work } = jobsOf(t, 'node-a', async () => undefined);
    const counted: LeasedWork<number> = {
      ...work,
      claim: async () => {
        claims++;
        // The first look reads the queue before the job below is committed, and answers late.
        const found = await work.claim();
        if (claims === 1) await claimHeld;
        return found;
      },
    };
    const worker = new LeasedWorker({ name: 'busy', work: counted, log, pollMs: 60_000 });
    worker.start();
    try {
      await expect.poll(() => claims).toBe(1);
      await addJobs(1, 1);
      worker.kick();
      releaseClaim();
      await expect.poll(async () => (await jobs())[0]?.done, { timeout: 10_000 }).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('aborts the work when a renewal finds the lease taken, and runs afterLeaseLost once renewals stopped', async () => {
    await addJobs(1, 1);
    let seen: unknown;
    const { work, afterLost } = jobsOf(t, 'node-a', async (id, lease) => {
      // Another process takes the job over while this one works on it.
      await sql`update lw_jobs set claimed_by = 'node-b' where id = ${id}`.execute(t.db.kysely);
      await new Promise<void>((resolve) => lease.addEventListener('abort', () => resolve(), { once: true }));
      seen = lease.reason;
    });
    const worker = new LeasedWorker({ name: 'stalled', work, log, pollMs: 60_000, heartbeatMs: 5 });
    await expect(worker.runOnce()).rejects.toBeInstanceOf(LeaseLostError);
    expect(seen).toBeInstanceOf(LeaseLostError);
    // The work threw: what follows a lost lease runs only after work that ended normally.
    expect(afterLost).toEqual([]);
    expect((await jobs())[0]).toMatchObject({ done: 0, runs: 0 });

    await addJobs(2, 1);
    const quiet = jobsOf(t, 'node-a', async (id, lease) => {
      await sql`update lw_jobs set claimed_by = 'node-b' where id = ${id}`.execute(t.db.kysely);
      await new Promise<void>((resolve) => lease.addEventListener('abort', () => resolve(), { once: true }));
    });
    const stopsQuietly: LeasedWork<number> = {
      ...quiet.work,
      run: async (id, lease) => {
        await quiet.work.run(id, lease).catch((error: unknown) => {
          if (!(error instanceof LeaseLostError)) throw error;
        });
      },
    };
    expect(
      await new LeasedWorker({ name: 'quiet', work: stopsQuietly, log, pollMs: 60_000, heartbeatMs: 5 }).runOnce(),
    ).toBe(2);
    expect(quiet.afterLost).toEqual([2]);
  });

  it('logs a failed step and goes on looking; runOnce answers undefined when nothing is due', async () => {
    const { work } = jobsOf(t, 'node-a', async () => undefined);
    let failures = 1;
    const flaky: LeasedWork<number> = {
      ...work,
      claim: async () => {
        if (failures-- > 0) throw new Error('database unreachable');
        return work.claim();
      },
    };
    const worker = new LeasedWorker({
      name: 'flaky',
      work: flaky,
      log,
      pollMs: 20,
      stepFailedMessage: 'flaky: claim failed',
    });
    await addJobs(1, 2);
    worker.start();
    try {
      await expect.poll(async () => (await jobs()).map((job) => job.done), { timeout: 10_000 }).toEqual([1, 1]);
      expect(errors).toEqual(['flaky: claim failed']);
    } finally {
      await worker.stop();
    }
    expect(await worker.runOnce()).toBeUndefined();
  });
});
