// The webhook queue's Lua scripts: every queue step is one script on the `{webhooks}` slot.
//
// Every script gets all the queue keys in the same order (QUEUE_KEYS), the events feed's among them:
// a delivery's outcome goes to its event's log entry in the same step. Entries and attempt counts are
// JSON built in TypeScript and stored as opaque strings: no script decodes JSON.
import { LOG_ENTRY_LUA_PATTERN, MAX_LOGGED_ATTEMPTS } from './event-log-codec';
import type { WebhookQueueKeys } from './keys';
import { type RedisClient, defineScripts } from './scripts';
import { ENQUEUED_AT_LUA_PATTERN } from './webhook-queue-codec';

export const KEY_NAMES = [
  'due',
  'events',
  'attempts',
  'enqueued',
  'dead',
  'deadEvents',
  'delivered',
  'feed',
  'log',
  'queued',
] as const satisfies readonly (keyof WebhookQueueKeys)[];

export const LOCAL_KEYS = `local due, events, attempts, enqueued, dead, dead_events, delivered, feed, log, queued = unpack(KEYS)\n`;

/**
 * log_delivery(id, state, attempt, mark): for an event the feed recorded, sets its delivery state
 * (nil keeps it), appends the encoded attempt ('' for none; the newest MAX_LOGGED_ATTEMPTS are kept)
 * and sets its queueing mark (nil keeps it). Returns whether the feed holds the event.
 */
export const LOG_DELIVERY = `
local function log_delivery(id, state, attempt, mark)
  local entry = redis.call('HGET', log, id)
  if not entry then return false end
  local old_state, position, old_mark, tried = string.match(entry, '${LOG_ENTRY_LUA_PATTERN}')
  if attempt ~= '' then
    if tried == '' then
      tried = attempt
    else
      local _, separators = string.gsub(tried, ';', ';')
      if separators + 1 >= ${MAX_LOGGED_ATTEMPTS} then
        tried = string.sub(tried, string.find(tried, ';', 1, true) + 1)
      end
      tried = tried .. ';' .. attempt
    end
  end
  redis.call('HSET', log, id, (state or old_state) .. '|' .. position .. '|' .. (mark or old_mark) .. '|' .. tried)
  return true
end
`;

/**
 * ARGV: now, then webhook_id/entry pairs → how many were added. An event the feed recorded is queued
 * by the feed's own scripts (record, requeue) only.
 */
const ENQUEUE = `${LOCAL_KEYS}
local added = 0
for i = 2, #ARGV, 2 do
  local id, entry = ARGV[i], ARGV[i + 1]
  if redis.call('HEXISTS', events, id) == 0 and redis.call('HEXISTS', dead_events, id) == 0
      and not redis.call('ZSCORE', delivered, id) and redis.call('HEXISTS', log, id) == 0 then
    redis.call('HSET', events, id, entry)
    redis.call('HDEL', attempts, id)
    redis.call('ZADD', enqueued, ARGV[1], id)
    redis.call('ZADD', due, ARGV[1], 'w:' .. id)
    added = added + 1
  end
end
return added
`;

/**
 * ARGV: now, lease end, max → {entry, attempts, …} ('' for no attempts yet). A due member with no
 * queued entry behind it (a webhook gone meanwhile, or any member that is not `w:<webhook_id>`) is
 * dropped rather than handed out.
 */
const CLAIM = `${LOCAL_KEYS}
local members = redis.call('ZRANGEBYSCORE', due, '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, member in ipairs(members) do
  local entry = false
  local id = string.sub(member, 3)
  if string.sub(member, 1, 2) == 'w:' then entry = redis.call('HGET', events, id) end
  if entry then
    redis.call('ZADD', due, 'XX', ARGV[2], member)
    out[#out + 1] = entry
    out[#out + 1] = redis.call('HGET', attempts, id) or ''
  else
    redis.call('ZREM', due, member)
  end
end
return out
`;

/**
 * ARGV: webhook_id, now, forget delivered before, attempt ('' for none). Attempts are kept if the id
 * is dead, not queued. A recorded event is remembered as delivered by its log entry; any other in
 * the `delivered` set, for a week.
 */
const ACK = `${LOCAL_KEYS}${LOG_DELIVERY}
local id = ARGV[1]
redis.call('ZREM', due, 'w:' .. id)
redis.call('ZREM', enqueued, id)
if redis.call('HDEL', events, id) == 1 then redis.call('HDEL', attempts, id) end
if not log_delivery(id, 'd', ARGV[4], nil) then redis.call('ZADD', delivered, ARGV[2], id) end
redis.call('ZREMRANGEBYSCORE', delivered, '-inf', '(' .. ARGV[3])
return 1
`;

/** ARGV: webhook_id, due at, attempts JSON, attempt → 1, or 0 when it is no longer queued. */
const RESCHEDULE = `${LOCAL_KEYS}${LOG_DELIVERY}
local id = ARGV[1]
if redis.call('HEXISTS', events, id) == 0 then return 0 end
redis.call('HSET', attempts, id, ARGV[3])
redis.call('ZADD', due, ARGV[2], 'w:' .. id)
log_delivery(id, nil, ARGV[4], nil)
return 1
`;

/** ARGV: webhook_id, now, attempts JSON, attempt → 1, or 0 when it is no longer queued. */
const DEAD_LETTER = `${LOCAL_KEYS}${LOG_DELIVERY}
local id = ARGV[1]
local entry = redis.call('HGET', events, id)
if not entry then return 0 end
log_delivery(id, 'x', ARGV[4], nil)
redis.call('HSET', dead_events, id, entry)
redis.call('HSET', attempts, id, ARGV[3])
redis.call('ZADD', dead, ARGV[2], id)
redis.call('HDEL', events, id)
redis.call('ZREM', enqueued, id)
redis.call('ZREM', due, 'w:' .. id)
return 1
`;

/** ARGV: webhook_id, now → 1 back in the queue (attempts reset, enqueued_at kept), 0 not dead. */
const REDELIVER = `${LOCAL_KEYS}${LOG_DELIVERY}
local id = ARGV[1]
local entry = redis.call('HGET', dead_events, id)
if not entry then return 0 end
log_delivery(id, 'p', '', redis.call('INCR', queued))
local enqueued_at = string.match(entry, '${ENQUEUED_AT_LUA_PATTERN}')
if not enqueued_at then return redis.error_reply('dead letter ' .. id .. ' has no enqueued_at') end
redis.call('HSET', events, id, entry)
redis.call('HDEL', attempts, id)
redis.call('ZADD', enqueued, enqueued_at, id)
redis.call('ZADD', due, ARGV[2], 'w:' .. id)
redis.call('HDEL', dead_events, id)
redis.call('ZREM', dead, id)
redis.call('ZREM', delivered, id)
return 1
`;

const DEFINITIONS = {
  llrEnqueueWebhooks: ENQUEUE,
  llrClaimDue: CLAIM,
  llrAckWebhook: ACK,
  llrRescheduleWebhook: RESCHEDULE,
  llrDeadLetterWebhook: DEAD_LETTER,
  llrRedeliverDeadLetter: REDELIVER,
} as const;

type ScriptName = keyof typeof DEFINITIONS;
type ScriptCommands = Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

export interface WebhookQueueScripts {
  enqueue(now: number, idEntryPairs: string[]): Promise<number>;
  /** Flat {entry, attempts} pairs. */
  claim(now: number, leaseEnd: number, max: number): Promise<string[]>;
  /** `attempt`: encoded (event-log-codec.ts), '' for none; likewise below. */
  ack(webhookId: string, now: number, forgetBefore: number, attempt: string): Promise<number>;
  reschedule(webhookId: string, at: number, progress: string, attempt: string): Promise<number>;
  deadLetter(webhookId: string, now: number, progress: string, attempt: string): Promise<number>;
  redeliver(webhookId: string, now: number): Promise<number>;
}

/** Defines the queue scripts on the client (idempotent; EVALSHA, falling back to EVAL once). */
export function defineWebhookQueueScripts(
  client: RedisClient,
  keys: WebhookQueueKeys,
): WebhookQueueScripts {
  const run = defineScripts<ScriptCommands>(client, DEFINITIONS, KEY_NAMES.length);
  const allKeys = KEY_NAMES.map((name) => keys[name]);
  return {
    enqueue: async (now, pairs) =>
      (await run.llrEnqueueWebhooks(...allKeys, now, ...pairs)) as number,
    claim: async (now, leaseEnd, max) =>
      (await run.llrClaimDue(...allKeys, now, leaseEnd, max)) as string[],
    ack: async (id, now, forgetBefore, attempt) =>
      (await run.llrAckWebhook(...allKeys, id, now, forgetBefore, attempt)) as number,
    reschedule: async (id, at, progress, attempt) =>
      (await run.llrRescheduleWebhook(...allKeys, id, at, progress, attempt)) as number,
    deadLetter: async (id, now, progress, attempt) =>
      (await run.llrDeadLetterWebhook(...allKeys, id, now, progress, attempt)) as number,
    redeliver: async (id, now) => (await run.llrRedeliverDeadLetter(...allKeys, id, now)) as number,
  };
}
