// The reconciliation schedule in memory, for sandbox mode: the Redis schedule's semantics, one call at a time.
import * as check from './checks';
import type { ReconcileSchedule } from './store';

/** Budget windows older than this are forgotten. */
const KEEP_WINDOWS_MS = 2 * 60 * 60 * 1000;

export class MemoryReconcileSchedule implements ReconcileSchedule {
  private readonly due = new Map<string, number>();
  private readonly spent = new Map<number, number>();
  private pausedUntil = 0;

  async scheduleCheck(onboardingId: string, atMs: number): Promise<void> {
    this.due.set(check.onboardingId(onboardingId), check.timeMs('atMs', atMs));
  }

  async claimDueChecks(nowMs: number, leaseMs: number, max: number): Promise<string[]> {
    check.timeMs('nowMs', nowMs);
    const leaseEnd = nowMs + check.leaseMs(leaseMs);
    const ids = this.earliestFirst()
      .filter(([, at]) => at <= nowMs)
      .slice(0, check.claimMax(max))
      .map(([id]) => id);
    for (const id of ids) this.due.set(id, leaseEnd);
    return ids;
  }

  async dropCheck(onboardingId: string): Promise<void> {
    this.due.delete(check.onboardingId(onboardingId));
  }

  async countChecks(): Promise<number> {
    return this.due.size;
  }

  async listChecks(max: number): Promise<string[]> {
    return this.earliestFirst()
      .slice(0, check.claimMax(max))
      .map(([id]) => id);
  }

  async spendReconcileBudget(windowStartMs: number, cap: number): Promise<boolean> {
    check.timeMs('windowStartMs', windowStartMs);
    check.budgetCap(cap);
    for (const start of this.spent.keys()) {
      if (start < windowStartMs - KEEP_WINDOWS_MS) this.spent.delete(start);
    }
    const used = this.spent.get(windowStartMs) ?? 0;
    if (used >= cap) return false;
    this.spent.set(windowStartMs, used + 1);
    return true;
  }

  async pauseUpstream(untilMs: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, check.timeMs('untilMs', untilMs));
  }

  async upstreamPausedUntil(): Promise<number> {
    return this.pausedUntil;
  }

  /** Ties by id, as a Redis sorted set orders members of equal score. */
  private earliestFirst(): [string, number][] {
    return [...this.due].sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0));
  }
}
