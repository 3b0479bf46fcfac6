// The reconciliation schedule in memory, for sandbox mode: the Redis schedule's semantics, one call at a time.
import * as check from './checks';
import type { ReconcileSchedule } from './store';

/** Budget windows older than this are forgotten. */
const KEEP_WINDOWS_MS = 2 * 60 * 60 * 1000;

export function createMemoryReconcileSchedule(): ReconcileSchedule {
  const due = new Map<string, number>();
  const spent = new Map<number, number>();
  let pausedUntil = 0;

  /** Ties by id, as a Redis sorted set orders members of equal score. */
  function earliestFirst(): [string, number][] {
    return [...due].sort(([a, sa], [b, sb]) => sa - sb || (a < b ? -1 : a > b ? 1 : 0));
  }

  return {
    async scheduleCheck(onboardingId, atMs) {
      due.set(check.onboardingId(onboardingId), check.timeMs('atMs', atMs));
    },

    async claimDueChecks(nowMs, leaseMs, max) {
      check.timeMs('nowMs', nowMs);
      const leaseEnd = nowMs + check.leaseMs(leaseMs);
      const ids = earliestFirst()
        .filter(([, at]) => at <= nowMs)
        .slice(0, check.claimMax(max))
        .map(([id]) => id);
      for (const id of ids) due.set(id, leaseEnd);
      return ids;
    },

    async dropCheck(onboardingId) {
      due.delete(check.onboardingId(onboardingId));
    },

    async countChecks() {
      return due.size;
    },

    async listChecks(max) {
      return earliestFirst()
        .slice(0, check.claimMax(max))
        .map(([id]) => id);
    },

    async spendReconcileBudget(windowStartMs, cap) {
      check.timeMs('windowStartMs', windowStartMs);
      check.budgetCap(cap);
      for (const start of spent.keys()) {
        if (start < windowStartMs - KEEP_WINDOWS_MS) spent.delete(start);
      }
      const used = spent.get(windowStartMs) ?? 0;
      if (used >= cap) return false;
      spent.set(windowStartMs, used + 1);
      return true;
    },

    async pauseUpstream(untilMs) {
      pausedUntil = Math.max(pausedUntil, check.timeMs('untilMs', untilMs));
    },

    async upstreamPausedUntil() {
      return pausedUntil;
    },
  };
}
