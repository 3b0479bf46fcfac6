// The webhook queue's Lua scripts: every queue step is one script on the `{webhooks}` slot.
//
// Every script gets all the queue keys in the same order (QUEUE_KEYS). Entries and attempt counts are
// JSON built in TypeScript and stored as opaque strings: no script decodes JSON.
import type { WebhookQueueKeys } from './keys';
import type { RedisClient } from './scripts';
import { ENQUEUED_AT_LUA_PATTERN } from './webhook-queue-codec';

const KEY_NAMES = [
  'due',
  'events',
  'attempts',
  'enqueued',
  'dead',
  'deadEvents',
  'delivered',
] as const satisfies readonly (keyof WebhookQueueKeys)[];

const LOCAL_KEYS = `local due, events, attempts, enqueued, dead, dead_events, delivered = unpack(KEYS)\n`;

/** ARGV: now, then webhook_id/entry pairs → how many were added. */
const ENQUEUE = `${LOCAL_KEYS}
local added = 0
for i = 2, #ARGV, 2 do
  local id, entry = ARGV[i], ARGV[i + 1]
  if redis.call('HEXISTS', events, id) == 0 and redis.call('HEXISTS', dead_events, id) == 0
      and not redis.call('ZSCORE', delivered, id) then
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

/** ARGV: webhook_id, now, forget delivered before. Attempts are kept if the id is dead, not queued. */
const ACK = `${LOCAL_KEYS}
local id = ARGV[1]
redis.call('ZREM', due, 'w:' .. id)
redis.call('ZREM', enqueued, id)
if redis.call('HDEL', events, id) == 1 then redis.call('HDEL', attempts, id) end
redis.call('ZADD', delivered, ARGV[2], id)
redis.call('ZREMRANGEBYSCORE', delivered, '-inf', '(' .. ARGV[3])
return 1
`;

/** ARGV: webhook_id, due at, attempts JSON → 1, or 0 when it is no longer queued. */
const RESCHEDULE = `${LOCAL_KEYS}
local id = ARGV[1]
if redis.call('HEXISTS', events, id) == 0 then return 0 end
redis.call('HSET', attempts, id, ARGV[3])
redis.call('ZADD', due, ARGV[2], 'w:' .. id)
return 1
`;

/** ARGV: webhook_id, now, attempts JSON → 1, or 0 when it is no longer queued. */
const DEAD_LETTER = `${LOCAL_KEYS}
local id = ARGV[1]
local entry = redis.call('HGET', events, id)
if not entry then return 0 end
redis.call('HSET', dead_events, id, entry)
redis.call('HSET', attempts, id, ARGV[3])
redis.call('ZADD', dead, ARGV[2], id)
redis.call('HDEL', events, id)
redis.call('ZREM', enqueued, id)
redis.call('ZREM', due, 'w:' .. id)
return 1
`;

/** ARGV: webhook_id, now → 1 back in the queue (attempts reset, enqueued_at kept), 0 not dead. */
const REDELIVER = `${LOCAL_KEYS}
local id = ARGV[1]
local entry = redis.call('HGET', dead_events, id)
if not entry then return 0 end
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
  ack(webhookId: string, now: number, forgetBefore: number): Promise<number>;
  reschedule(webhookId: string, at: number, progress: string): Promise<number>;
  deadLetter(webhookId: string, now: number, progress: string): Promise<number>;
  redeliver(webhookId: string, now: number): Promise<number>;
}

/** Defines the queue scripts on the client (idempotent; EVALSHA, falling back to EVAL once). */
export function defineWebhookQueueScripts(
  client: RedisClient,
  keys: WebhookQueueKeys,
): WebhookQueueScripts {
  for (const [name, lua] of Object.entries(DEFINITIONS)) {
    client.defineCommand(name, { numberOfKeys: KEY_NAMES.length, lua });
  }
  const run = client as unknown as ScriptCommands;
  const allKeys = KEY_NAMES.map((name) => keys[name]);
  return {
    enqueue: async (now, pairs) =>
      (await run.llrEnqueueWebhooks(...allKeys, now, ...pairs)) as number,
    claim: async (now, leaseEnd, max) =>
      (await run.llrClaimDue(...allKeys, now, leaseEnd, max)) as string[],
    ack: async (id, now, forgetBefore) =>
      (await run.llrAckWebhook(...allKeys, id, now, forgetBefore)) as number,
    reschedule: async (id, at, progress) =>
      (await run.llrRescheduleWebhook(...allKeys, id, at, progress)) as number,
    deadLetter: async (id, now, progress) =>
      (await run.llrDeadLetterWebhook(...allKeys, id, now, progress)) as number,
    redeliver: async (id, now) => (await run.llrRedeliverDeadLetter(...allKeys, id, now)) as number,
  };
}
