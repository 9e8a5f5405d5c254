/**
 * What live streams need to know about sessions. The accounts module answers it (wired in
 * `services.ts`), so notifications never import accounts.
 */
export interface SessionCheck {
  /** Of these sessions, the ones still signed in now: not revoked, not expired. */
  active(sessionIds: readonly string[]): Promise<ReadonlySet<string>>;
}

export interface SessionWatchLog {
  error(obj: object, msg: string): void;
}

type Listener = () => void;

/**
 * Ends the live streams of sessions that ended. Four ways a session's end reaches its streams:
 * - `end(sessionId)`, called by the accounts service right after a logout or revocation in this
 *   process commits: its streams stop at once;
 * - `recheck(sessionId)`, when another process's wake-up says it revoked the session: one lookup,
 *   only if the session has streams here;
 * - one batched look at every watched session every `intervalMs`, for expiry (the clock passing
 *   `expires_at`) and revocations whose wake-up never came;
 * - `isActive`, which a stream asks before it delivers anything, so nothing is delivered after the
 *   session ended even between two batched looks.
 */
export class SessionWatch {
  private readonly listeners = new Map<string, Set<Listener>>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly deps: { sessions: SessionCheck; intervalMs: number; log: SessionWatchLog }) {}

  /** Sessions with at least one open stream. */
  get watched(): number {
    return this.listeners.size;
  }

  /** Calls `onEnd` (once) when the session ends; the returned function stops watching. */
  watch(sessionId: string, onEnd: Listener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) {
      set = new Set();
      this.listeners.set(sessionId, set);
    }
    set.add(onEnd);
    this.timer ??= setInterval(() => void this.check(), this.deps.intervalMs).unref();
    return () => {
      set.delete(onEnd);
      if (set.size === 0 && this.listeners.get(sessionId) === set) this.listeners.delete(sessionId);
      this.stopTimerIfIdle();
    };
  }

  /** The session ended (in this process): end its streams now. */
  end(sessionId: string): void {
    const set = this.listeners.get(sessionId);
    if (!set) return;
    this.listeners.delete(sessionId);
    for (const listener of set) listener();
    this.stopTimerIfIdle();
  }

  /**
   * Another process says the session ended: when it has streams here, ask the database (a wake-up
   * is a hint, the table is the truth) and end them.
   */
  async recheck(sessionId: string): Promise<void> {
    if (!this.listeners.has(sessionId)) return;
    try {
      if (!(await this.isActive(sessionId))) this.end(sessionId);
    } catch (err) {
      // As for the batched look: each stream re-checks before it delivers anything.
      this.deps.log.error({ err }, 'live stream session check failed');
    }
  }

  /** Is the session still signed in, as the database says now? */
  async isActive(sessionId: string): Promise<boolean> {
    return (await this.deps.sessions.active([sessionId])).has(sessionId);
  }

  /** One look at every watched session; those that ended lose their streams. */
  check(): Promise<void> {
    // A slow database must not stack up looks: one at a time.
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async checkOnce(): Promise<void> {
    const ids = [...this.listeners.keys()];
    if (ids.length === 0) return;
    let active: ReadonlySet<string>;
    try {
      active = await this.deps.sessions.active(ids);
    } catch (err) {
      // Streams stay open: each one re-checks before it delivers anything, and fails itself when
      // the database does.
      this.deps.log.error({ err }, 'live stream session check failed');
      return;
    }
    for (const id of ids) if (!active.has(id)) this.end(id);
  }

  private stopTimerIfIdle(): void {
    if (this.listeners.size === 0) this.stop();
  }
}
