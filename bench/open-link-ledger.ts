// Each upstream link's OPEN interval, from its creation to its close or expiry: the OPEN-link-seconds
// integral and the most links OPEN at once, exact on a simulated clock.

interface OpenInterval {
  openedMs: number;
  expiryMs: number;
  /** When it was seen no longer OPEN (used, closed); null while OPEN. */
  closedMs: number | null;
}

export class OpenLinkLedger {
  private readonly links = new Map<string, OpenInterval>();

  /** A link created OPEN at openedMs that expires at expiryMs unless closed before. */
  opened(linkId: string, openedMs: number, expiryMs: number): void {
    if (this.links.has(linkId)) throw new Error(`link ${linkId} opened twice`);
    if (!(expiryMs >= openedMs)) throw new RangeError(`link ${linkId} expires before it opens`);
    this.links.set(linkId, { openedMs, expiryMs, closedMs: null });
  }

  /** The link was found not OPEN at atMs; a close after its expiry counts only up to the expiry. */
  closed(linkId: string, atMs: number): void {
    const link = this.links.get(linkId);
    if (!link || link.closedMs !== null) return;
    link.closedMs = Math.max(link.openedMs, Math.min(atMs, link.expiryMs));
  }

  /** Links still OPEN as far as the ledger knows (to re-read after each step). */
  openIds(): string[] {
    return [...this.links].filter(([, l]) => l.closedMs === null).map(([id]) => id);
  }

  get size(): number {
    return this.links.size;
  }

  private endOf(link: OpenInterval): number {
    return link.closedMs ?? link.expiryMs;
  }

  /**
   * Σ OPEN seconds over every link. A link still OPEN counts until its expiry: nobody uses it after the
   * campaign, so that is when it stops holding a slot.
   */
  openSeconds(): number {
    let ms = 0;
    for (const link of this.links.values()) ms += this.endOf(link) - link.openedMs;
    return ms / 1000;
  }

  /** The most links OPEN at one instant; a link closing at t and another opening at t do not overlap. */
  mostAtOnce(): number {
    const edges: [number, number][] = [];
    for (const link of this.links.values()) {
      if (this.endOf(link) === link.openedMs) continue;
      edges.push([link.openedMs, 1], [this.endOf(link), -1]);
    }
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    let most = 0;
    for (const [, step] of edges) {
      open += step;
      most = Math.max(most, open);
    }
    return most;
  }
}
