// The events feed's Lua scripts, on the webhook queue's `{webhooks}` slot with all of its keys: recording
// an event gives it its feed position and queues it in one step, and a replay queues again in one step
// what is not waiting already.
import type { WebhookQueueKeys } from './keys';
import { type RedisClient, defineScripts } from './scripts';
import { KEY_NAMES, LOCAL_KEYS, LOG_DELIVERY } from './webhook-queue-scripts';

/** A recording trims at most this many events past the retention (recordings outpace additions). */
const TRIM_PER_CALL = 20;

/**
 * feed_append(now, …): XADD at `<ms>-*` with ms = max(now, the newest entry's ms), so positions only
 * grow (one sequence, whatever the callers' clocks) and stay close to the recording time. If the
 * stream's last id is ahead of its newest entry, '*' lets Redis pick the next id.
 */
const FEED_APPEND = `
local function feed_append(now, fields)
  local ms = now
  local newest = redis.call('XREVRANGE', feed, '+', '-', 'COUNT', 1)[1]
  if newest then
    local newest_ms = string.match(newest[1], '^(%d+)-')
    if tonumber(newest_ms) > tonumber(now) then ms = newest_ms end
  end
  local added = redis.pcall('XADD', feed, ms .. '-*', unpack(fields))
  if type(added) == 'table' and added.err then added = redis.call('XADD', feed, '*', unpack(fields)) end
  return added
end
`;

/**
 * ARGV: now, retention start (ms), then per event: webhook_id, onboarding_id, type code, kept body
 * ('' for none), queue entry ('' when not delivering) → how many were new. An event the log holds is
 * skipped: recording is idempotent, so a relay after a crash records nothing twice. Then up to
 * TRIM_PER_CALL events recorded before the retention start leave the feed with their log entries.
 */
const RECORD = `${LOCAL_KEYS}${FEED_APPEND}
local recorded = 0
for i = 3, #ARGV, 5 do
  local id, onboarding, code, body, entry = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  if redis.call('HEXISTS', log, id) == 0 then
    local fields = {'w', id, 'o', onboarding, 't', code}
    if body ~= '' then fields[7], fields[8] = 'b', body end
    local position = feed_append(ARGV[1], fields)
    local state, mark = 'p', ''
    if entry ~= '' then
      if redis.call('HEXISTS', dead_events, id) == 1 then
        state = 'x'
      elseif redis.call('ZSCORE', delivered, id) then
        state = 'd'
      elseif redis.call('HEXISTS', events, id) == 0 then
        redis.call('HSET', events, id, entry)
        redis.call('HDEL', attempts, id)
        redis.call('ZADD', enqueued, ARGV[1], id)
        redis.call('ZADD', due, ARGV[1], 'w:' .. id)
      end
      mark = redis.call('INCR', queued)
    end
    redis.call('HSET', log, id, state .. '|' .. position .. '|' .. mark .. '|')
    recorded = recorded + 1
  end
end
local old = redis.call('XRANGE', feed, '-', '(' .. ARGV[2] .. '-0', 'COUNT', ${TRIM_PER_CALL})
for _, item in ipairs(old) do
  local fields = item[2]
  for j = 1, #fields, 2 do
    if fields[j] == 'w' then redis.call('HDEL', log, fields[j + 1]) end
  end
  redis.call('XDEL', feed, item[1])
end
return recorded
`;

/**
 * ARGV: now, mark, then webhook_id/queue entry pairs → how many were queued. Each must be in the log,
 * not in the queue, and not queued since the mark was taken; a dead one leaves the dead letters. Its
 * attempts stay in its log entry: the history of its deliveries goes on.
 */
const REQUEUE = `${LOCAL_KEYS}${LOG_DELIVERY}
local queued_now = 0
for i = 3, #ARGV, 2 do
  local id, entry = ARGV[i], ARGV[i + 1]
  local logged = redis.call('HGET', log, id)
  if logged and redis.call('HEXISTS', events, id) == 0 then
    local mark = string.match(logged, '^%a|[^|]*|(%d*)|')
    if (tonumber(mark) or 0) <= tonumber(ARGV[2]) then
      redis.call('HDEL', dead_events, id)
      redis.call('ZREM', dead, id)
      redis.call('ZREM', delivered, id)
      redis.call('HSET', events, id, entry)
      redis.call('HDEL', attempts, id)
      redis.call('ZADD', enqueued, ARGV[1], id)
      redis.call('ZADD', due, ARGV[1], 'w:' .. id)
      log_delivery(id, 'p', '', redis.call('INCR', queued))
      queued_now = queued_now + 1
    end
  end
end
return queued_now
`;

const DEFINITIONS = { llrRecordEvents: RECORD, llrRequeueEvents: REQUEUE } as const;

type ScriptName = keyof typeof DEFINITIONS;
type ScriptCommands = Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

export interface EventLogScripts {
  /** `groups`: webhook_id, onboarding_id, type code, kept body, queue entry per event. */
  record(now: number, retentionStart: number, groups: string[]): Promise<number>;
  /** `pairs`: webhook_id, queue entry per event. */
  requeue(now: number, mark: number, pairs: string[]): Promise<number>;
}

/** Defines the feed scripts on the client (idempotent; EVALSHA, falling back to EVAL once). */
export function defineEventLogScripts(
  client: RedisClient,
  keys: WebhookQueueKeys,
): EventLogScripts {
  const run = defineScripts<ScriptCommands>(client, DEFINITIONS, KEY_NAMES.length);
  const allKeys = KEY_NAMES.map((name) => keys[name]);
  return {
    record: async (now, retentionStart, groups) =>
      (await run.llrRecordEvents(...allKeys, now, retentionStart, ...groups)) as number,
    requeue: async (now, mark, pairs) =>
      (await run.llrRequeueEvents(...allKeys, now, mark, ...pairs)) as number,
  };
}
