// Discrete events on a simulated timeline: the earliest runs first, and events due at the same instant
// run in the order they were scheduled, so a campaign repeats exactly.

export type SimAction = () => Promise<void> | void;

interface SimEvent {
  atMs: number;
  seq: number;
  action: SimAction;
}

export class EventQueue {
  private readonly events: SimEvent[] = [];
  private seq = 0;

  schedule(atMs: number, action: SimAction): void {
    if (!Number.isFinite(atMs)) throw new RangeError('an event needs a finite time');
    const event = { atMs, seq: this.seq++, action };
    // Binary search for the first later event: equal times keep their scheduling order.
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.atMs <= atMs) lo = mid + 1;
      else hi = mid;
    }
    this.events.splice(lo, 0, event);
  }

  /** The earliest event, removed from the queue; null when none is left. */
  next(): { atMs: number; action: SimAction } | null {
    return this.events.shift() ?? null;
  }

  get size(): number {
    return this.events.length;
  }
}
