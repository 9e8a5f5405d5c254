type Listener = () => void;

/**
 * In-process wake-ups for live streams: the notification writer publishes a recipient's id after
 * inserting, and that recipient's open streams re-read the table. Carries no data, so a stream
 * never trusts anything it did not read (and re-check) itself.
 */
export class NotificationBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly closers = new Set<Listener>();

  /** Open live streams (each subscribes once); a stream whose client went away unsubscribes. */
  get streams(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  publish(recipientId: string): void {
    for (const listener of this.listeners.get(recipientId) ?? []) listener();
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

  /** Called on shutdown, so open streams end and the HTTP server can close. */
  onClose(listener: Listener): () => void {
    this.closers.add(listener);
    return () => this.closers.delete(listener);
  }

  close(): void {
    for (const closer of [...this.closers]) closer();
  }
}
