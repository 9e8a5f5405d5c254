type Listener = () => void;

/**
 * In-process wake-ups for live streams: the notification writer publishes a recipient's id after
 * inserting (so do the wake-ups heard from other processes, and the safety-net poll), and that
 * recipient's open streams re-read the table. Carries no data, so a stream
 * never trusts anything it did not read (and re-check) itself.
 */
export class NotificationBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly closers = new Set<Listener>();
  private closed = false;

  /** Open live streams (each subscribes once); a stream whose client went away unsubscribes. */
  get streams(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  /** Recipients with at least one open stream. */
  recipients(): string[] {
    return [...this.listeners.keys()];
  }

  publish(recipientId: string): void {
    for (const listener of this.listeners.get(recipientId) ?? []) listener();
  }

  /** Every open stream re-reads (after wake-ups from other processes may have been missed). */
  publishAll(): void {
    for (const recipientId of this.recipients()) this.publish(recipientId);
  }

  subscribe(recipientId: string, listener: Listener): () => void {
    let set = this.listeners.get(recipientId);
    if (!set) {
      set = new Set();
      this.listeners.set(recipientId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(recipientId);
    };
  }

  /**
   * `listener` runs on shutdown, so open streams end and the HTTP server can close. A stream that
   * opens after shutdown began (its request was already in flight) is told at once: otherwise it
   * would stay open and the server would wait for it forever.
   */
  onClose(listener: Listener): () => void {
    if (this.closed) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.closers.add(listener);
    return () => this.closers.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const closer of [...this.closers]) closer();
  }
}
