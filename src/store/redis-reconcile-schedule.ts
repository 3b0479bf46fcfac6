// The reconciliation schedule in Redis: a due set, per-window budget counters and the pause, one `{reconcile}` slot.
import * as check from './checks';
import { BUDGET_KEY_TTL_SECONDS } from './retention';
import type { ReconcileKeys } from './keys';
import { type RedisClient, defineScripts } from './scripts';
import type { ReconcileSchedule } from './store';

/** KEYS: due. ARGV: now, lease end, max → the claimed ids, each re-scored to the lease end. */
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id) end
return ids
`;

/** KEYS: the window's counter. ARGV: cap, ttl seconds → 1 spent, 0 the cap is reached. */
const SPEND = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: paused-until. ARGV: until → 1 set, 0 a later pause was already set. */
const PAUSE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`;

const DEFINITIONS = {
  llrClaimChecks: CLAIM,
  llrSpendReconcileBudget: SPEND,
  llrPauseUpstream: PAUSE,
} as const;

type ScriptCommands = Record<
  keyof typeof DEFINITIONS,
  (...args: (string | number)[]) => Promise<unknown>
>;

export function createRedisReconcileSchedule(
  redis: RedisClient,
  keys: ReconcileKeys,
): ReconcileSchedule {
  const run = defineScripts<ScriptCommands>(redis, DEFINITIONS, 1);

  return {
    async scheduleCheck(onboardingId, atMs) {
      await redis.zadd(keys.due, check.timeMs('atMs', atMs), check.onboardingId(onboardingId));
    },

    async claimDueChecks(nowMs, leaseMs, max) {
      check.timeMs('nowMs', nowMs);
      const leaseEnd = nowMs + check.leaseMs(leaseMs);
      return (await run.llrClaimChecks(keys.due, nowMs, leaseEnd, check.claimMax(max))) as string[];
    },

    async dropCheck(onboardingId) {
      await redis.zrem(keys.due, check.onboardingId(onboardingId));
    },

    countChecks() {
      return redis.zcard(keys.due);
    },

    listChecks(max) {
      return redis.zrange(keys.due, 0, check.claimMax(max) - 1);
    },

    async spendReconcileBudget(windowStartMs, cap) {
      const key = keys.budget(check.timeMs('windowStartMs', windowStartMs));
      const spent = await run.llrSpendReconcileBudget(
        key,
        check.budgetCap(cap),
        BUDGET_KEY_TTL_SECONDS,
      );
      return spent === 1;
    },

    async pauseUpstream(untilMs) {
      await run.llrPauseUpstream(keys.pausedUntil, check.timeMs('untilMs', untilMs));
    },

    async upstreamPausedUntil() {
      const value = await redis.get(keys.pausedUntil);
      return value === null ? 0 : Number(value);
    },
  };
}
