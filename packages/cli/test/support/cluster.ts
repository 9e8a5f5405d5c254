import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../../server/src/db/schema.js';
import { startServe, type ServeProcess } from './serve-process.js';

/** One `aperture serve` of a cluster, with when it lived and which node id it held. */
export interface Member {
  name: string;
  role: 'api' | 'worker';
  serve: ServeProcess;
  nodeId: number;
  startedAt: number;
  /** Set when the process has exited. */
  exitedAt?: number;
}

/** A node id seen held in `node_leases`, by which pid, at what moment. */
interface LeaseSighting {
  at: number;
  node: number;
  pid: number | null;
}

/**
 * The processes of one deployment, started from one environment with a role and a data folder
 * each. Watches `node_leases` while it runs, so a test can prove no two live processes held the
 * same node id, and keeps every process's output for a failure report.
 */
export class Cluster {
  readonly members: Member[] = [];
  private readonly sightings: LeaseSighting[] = [];
  private watch: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly dataRoot: string,
    private readonly db: Kysely<Database>,
  ) {}

  async start(name: string, role: 'api' | 'worker'): Promise<Member> {
    const serve = await startServe(
      // Unniced: other test files keep the cores busy, and a worker at its default 19 would wait
      // behind them (these tests are about crashes and delivery, not priorities).
      { ...this.env, APERTURE_ROLE: role, APERTURE_DATA_DIR: join(this.dataRoot, name), APERTURE_NICE: '0' },
      90_000,
    );
    const startedAt = Date.now();
    const row = await this.db
      .selectFrom('node_leases')
      .select('node')
      .where('pid', '=', serve.child.pid!)
      .where('holder', 'is not', null)
      .executeTakeFirstOrThrow();
    const member: Member = { name, role, serve, nodeId: row.node, startedAt };
    void serve.exited.then(() => (member.exitedAt = Date.now()));
    this.members.push(member);
    return member;
  }

  async kill(member: Member): Promise<void> {
    member.serve.child.kill('SIGKILL');
    await member.serve.exited;
  }

  /** Samples `node_leases` every `everyMs` until `stopWatching`. */
  watchLeases(everyMs = 200): void {
    this.watch = setInterval(() => {
      const at = Date.now();
      this.db
        .selectFrom('node_leases')
        .select(['node', 'pid'])
        .where('holder', 'is not', null)
        .execute()
        .then((rows) => this.sightings.push(...rows.map((r) => ({ at, ...r }))))
        .catch(() => undefined);
    }, everyMs);
  }

  stopWatching(): void {
    clearInterval(this.watch);
  }

  /**
   * Every way two processes could have shared a node id: two members alive at once with the same
   * id, or a sighting of a live member's id held by another pid. Empty when all is well.
   */
  nodeIdConflicts(): string[] {
    const conflicts: string[] = [];
    const alive = (m: Member, at: number) => m.startedAt <= at && (m.exitedAt === undefined || at < m.exitedAt);
    for (const [i, a] of this.members.entries()) {
      for (const b of this.members.slice(i + 1)) {
        const overlap = alive(a, b.startedAt) || alive(b, a.startedAt);
        if (overlap && a.nodeId === b.nodeId) conflicts.push(`${a.name} and ${b.name} both held node id ${a.nodeId}`);
      }
    }
    for (const seen of this.sightings) {
      const owner = this.members.find((m) => m.nodeId === seen.node && alive(m, seen.at));
      if (owner && seen.pid !== owner.serve.child.pid) {
        conflicts.push(
          `node id ${seen.node} held by pid ${seen.pid} while ${owner.name} (pid ${owner.serve.child.pid}) ran`,
        );
      }
    }
    return conflicts;
  }

  /** Whether a member with node id `node` was running at `at` (give or take `slackMs`). */
  ranWithNode(node: number, at: number, slackMs: number): boolean {
    return this.members.some(
      (m) =>
        m.nodeId === node && m.startedAt - 60_000 <= at && (m.exitedAt === undefined || at <= m.exitedAt + slackMs),
    );
  }

  get sightingCount(): number {
    return this.sightings.length;
  }

  /** The last lines each process printed: what a failed assertion needs beside it. */
  report(lines = 40): string {
    return this.members
      .map((m) => {
        const tail = m.serve.output.stderr.trimEnd().split('\n').slice(-lines).join('\n');
        const status = m.exitedAt === undefined ? 'running' : 'exited';
        return `--- ${m.name} (${m.role}, node ${m.nodeId}, pid ${m.serve.child.pid}, ${status}) stderr tail:\n${tail}`;
      })
      .join('\n');
  }

  /** SIGTERM to every running member; SIGKILL to any still running after `graceMs`. */
  async stopAll(graceMs = 15_000): Promise<void> {
    const running = this.members.filter((m) => m.serve.child.exitCode === null && m.serve.child.signalCode === null);
    for (const m of running) m.serve.child.kill('SIGTERM');
    await Promise.all(
      running.map((m) =>
        Promise.race([
          m.serve.exited,
          new Promise((resolve) => setTimeout(resolve, graceMs)).then(() => m.serve.child.kill('SIGKILL')),
        ]),
      ),
    );
  }
}
