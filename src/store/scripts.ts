// The Lua scripts: each multi-step change runs as one script on one slot (EVALSHA via defineCommand).
//
// Every script's keys share one `{onboarding_id}` hash tag, or it touches a single key, so all of them
// run unchanged on Redis Cluster. JSON fields are copied as opaque strings, never cjson-decoded.
import type { Cluster, Redis } from 'ioredis';
import { ADD_HISTORY_LUA } from './history-codec';
import { comesAfter, type IndexPosition } from './list-cursor';

export type RedisClient = Redis | Cluster;

/** KEYS: record. ARGV: ttl, field, value, … → 1 created, 0 already there (nothing written). */
const CREATE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** Appends an encoded EventRef to the record's `events` (comma-separated); '' appends nothing. */
const ADD_EVENT = `
local function add_event(key, event)
  if event == '' then return end
  local events = redis.call('HGET', key, 'events')
  redis.call('HSET', key, 'events', events and (events .. ',' .. event) or event)
end
`;

/**
 * KEYS: record. ARGV: link_id, ttl, event ('' for none), history entry, n, n field/value pairs, fields
 * to remove. → {outcome, HGETALL} so the caller gets the resulting record in the same round trip.
 * The link must be one of the onboarding's: its link_id, or one of `link_ids` (`,id1,id2,`, a plain
 * find; an id with a comma is never one of them). A pending record and a link that is none of its own
 * are left alone ('not_pending'): the callback checks membership before it gets here, so this only
 * guards against a caller's bug. The pairs set link_id to the completing link.
 */
const COMPLETE = `${ADD_EVENT}${ADD_HISTORY_LUA}
local current = redis.call('HMGET', KEYS[1], 'status', 'link_id', 'link_ids')
local status, link, ids = current[1], current[2], current[3]
if not status then return {'not_found'} end
if status == 'completed' and link == ARGV[1] then
  return {'already_completed', redis.call('HGETALL', KEYS[1])}
end
local ours = link == ARGV[1] or (ids and not string.find(ARGV[1], ',', 1, true)
  and string.find(ids, ',' .. ARGV[1] .. ',', 1, true) ~= nil)
if status ~= 'pending' or not ours then
  return {'not_pending', redis.call('HGETALL', KEYS[1])}
end
local pairs_end = 5 + 2 * tonumber(ARGV[5])
redis.call('HSET', KEYS[1], unpack(ARGV, 6, pairs_end))
if #ARGV > pairs_end then redis.call('HDEL', KEYS[1], unpack(ARGV, pairs_end + 1)) end
add_event(KEYS[1], ARGV[3])
add_history(KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {'completed', redis.call('HGETALL', KEYS[1])}
`;

/**
 * KEYS: record. ARGV: expected rev, pendingOnly ('1' or '0'), n, n field/value pairs, fields to
 * remove → {outcome} or {outcome, HGETALL}. Compare-and-set: a missing rev is 0; the rev is checked
 * before the status, and every update bumps it. The TTL is left as it is.
 */
const UPDATE = `
local current = redis.call('HMGET', KEYS[1], 'status', 'rev')
local status = current[1]
if not status then return {'not_found'} end
if (tonumber(current[2]) or 0) ~= tonumber(ARGV[1]) then return {'conflict'} end
if ARGV[2] == '1' and status ~= 'pending' then
  return {'not_pending', redis.call('HGETALL', KEYS[1])}
end
local pairs_end = 3 + 2 * tonumber(ARGV[3])
if pairs_end > 3 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, pairs_end)) end
if #ARGV > pairs_end then redis.call('HDEL', KEYS[1], unpack(ARGV, pairs_end + 1)) end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
return {'updated', redis.call('HGETALL', KEYS[1])}
`;

/**
 * KEYS: record. ARGV: last_error JSON, history entry → 1 set, 0 not pending or missing. The entry goes
 * to the history of any record that exists. Keeps the TTL.
 */
const RECORD_FAILURE = `${ADD_HISTORY_LUA}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
add_history(KEYS[1], ARGV[2])
if status ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'last_error', ARGV[1])
return 1
`;

/** KEYS: record. ARGV: cancel time, ttl, history entry → {outcome, HGETALL}. */
const CANCEL = `${ADD_HISTORY_LUA}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'not_found'} end
if status ~= 'pending' then return {'not_pending', redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancelled_time', ARGV[1])
add_history(KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {'cancelled', redis.call('HGETALL', KEYS[1])}
`;

/**
 * KEYS: record. ARGV: expiry time, ttl, event ('' for none), history entry → {outcome, HGETALL}.
 * Only a pending onboarding expires; the event is written in the same step.
 */
const EXPIRE = `${ADD_EVENT}${ADD_HISTORY_LUA}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'not_found'} end
if status ~= 'pending' then return {'not_pending', redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'status', 'expired', 'expired_time', ARGV[1])
add_event(KEYS[1], ARGV[3])
add_history(KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {'expired', redis.call('HGETALL', KEYS[1])}
`;

/** KEYS: record. ARGV: history entries → 1 appended, 0 the record is gone (nothing written). */
const APPEND_HISTORY = `${ADD_HISTORY_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV do add_history(KEYS[1], ARGV[i]) end
return 1
`;

/** KEYS: claim. ARGV: the value prefix naming the onboarding → 1 deleted, 0 not ours or gone. */
const RELEASE_CLAIM = `
local value = redis.call('GET', KEYS[1])
if value and string.sub(value, 1, #ARGV[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/**
 * KEYS: index. ARGV: max score ('+inf' for the first page), count → {ties, [member, score, …]}.
 * Reads `count` entries beyond those tied at the max score, so indexPage can drop the ties a previous
 * page already returned (ordered by id, which Lua cannot compare portably: its `<` follows the locale).
 */
const INDEX_PAGE = `
local ties = 0
if ARGV[1] ~= '+inf' then ties = redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1]) end
return {ties, redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'WITHSCORES', 'LIMIT', 0, ties + tonumber(ARGV[2]))}
`;

const DEFINITIONS = {
  llrCreateOnboarding: { numberOfKeys: 1, lua: CREATE },
  llrCompleteOnboarding: { numberOfKeys: 1, lua: COMPLETE },
  llrUpdateOnboarding: { numberOfKeys: 1, lua: UPDATE },
  llrRecordFailure: { numberOfKeys: 1, lua: RECORD_FAILURE },
  llrCancelOnboarding: { numberOfKeys: 1, lua: CANCEL },
  llrExpireOnboarding: { numberOfKeys: 1, lua: EXPIRE },
  llrReleaseClaim: { numberOfKeys: 1, lua: RELEASE_CLAIM },
  llrAppendHistory: { numberOfKeys: 1, lua: APPEND_HISTORY },
  llrIndexPage: { numberOfKeys: 1, lua: INDEX_PAGE },
} as const;

type ScriptName = keyof typeof DEFINITIONS;
type ScriptArg = string | number;
type ScriptReply = unknown;
type ScriptCommands = Record<ScriptName, (...args: ScriptArg[]) => Promise<ScriptReply>>;

/** A script's reply for the record-returning scripts: the outcome and the record as HGETALL pairs. */
export type OutcomeReply = [string] | [string, string[]];

export interface StoreScripts {
  createOnboarding(recordKey: string, ttl: number, pairs: string[]): Promise<number>;
  completeOnboarding(
    recordKey: string,
    args: {
      linkId: string;
      ttl: number;
      event: string;
      history: string;
      set: string[];
      remove: string[];
    },
  ): Promise<OutcomeReply>;
  updateOnboarding(
    recordKey: string,
    args: { expectedRev: number; pendingOnly: boolean; set: string[]; remove: string[] },
  ): Promise<OutcomeReply>;
  recordFailure(recordKey: string, lastError: string, history: string): Promise<number>;
  cancelOnboarding(
    recordKey: string,
    time: string,
    ttl: number,
    history: string,
  ): Promise<OutcomeReply>;
  expireOnboarding(
    recordKey: string,
    args: { time: string; ttl: number; event: string; history: string },
  ): Promise<OutcomeReply>;
  /** 1 appended, 0 the record is gone. */
  appendHistory(recordKey: string, entries: string[]): Promise<number>;
  releaseClaim(claimKey: string, valuePrefix: string): Promise<number>;
  /**
   * Up to `count` entries of a score-descending sorted set (the onboarding index, the dead letters)
   * strictly after `after`, or from the top when it is null.
   */
  indexPage(indexKey: string, after: IndexPosition | null, count: number): Promise<IndexPosition[]>;
}

/** Defines the scripts on the client (idempotent; ioredis sends EVALSHA, falling back to EVAL once). */
/**
 * Defines Lua scripts as commands on the client (idempotent; EVALSHA, falling back to EVAL once), each
 * taking `numberOfKeys` keys, and answers the client typed with those commands.
 */
export function defineScripts<Commands>(
  client: RedisClient,
  definitions: Record<string, string>,
  numberOfKeys: number,
): Commands {
  for (const [name, lua] of Object.entries(definitions)) {
    client.defineCommand(name, { numberOfKeys, lua });
  }
  return client as unknown as Commands;
}

export function defineStoreScripts(client: RedisClient): StoreScripts {
  for (const [name, definition] of Object.entries(DEFINITIONS)) {
    client.defineCommand(name, definition);
  }
  const run = client as unknown as ScriptCommands;
  return {
    createOnboarding: async (key, ttl, pairs) =>
      (await run.llrCreateOnboarding(key, ttl, ...pairs)) as number,
    completeOnboarding: async (recordKey, a) =>
      (await run.llrCompleteOnboarding(
        recordKey,
        a.linkId,
        a.ttl,
        a.event,
        a.history,
        a.set.length / 2,
        ...a.set,
        ...a.remove,
      )) as OutcomeReply,
    updateOnboarding: async (key, a) =>
      (await run.llrUpdateOnboarding(
        key,
        a.expectedRev,
        a.pendingOnly ? '1' : '0',
        a.set.length / 2,
        ...a.set,
        ...a.remove,
      )) as OutcomeReply,
    recordFailure: async (key, lastError, history) =>
      (await run.llrRecordFailure(key, lastError, history)) as number,
    cancelOnboarding: async (key, time, ttl, history) =>
      (await run.llrCancelOnboarding(key, time, ttl, history)) as OutcomeReply,
    expireOnboarding: async (recordKey, a) =>
      (await run.llrExpireOnboarding(recordKey, a.time, a.ttl, a.event, a.history)) as OutcomeReply,
    appendHistory: async (key, entries) => (await run.llrAppendHistory(key, ...entries)) as number,
    releaseClaim: async (key, prefix) => (await run.llrReleaseClaim(key, prefix)) as number,
    indexPage: async (key, after, count) => {
      const maxScore = after === null ? '+inf' : String(after.score);
      const [, flat] = (await run.llrIndexPage(key, maxScore, count)) as [number, string[]];
      return positionsAfter(flat, after).slice(0, count);
    },
  };
}

/** INDEX_PAGE's `[member, score, …]` as positions, less the ties at or before `after`. */
function positionsAfter(flat: string[], after: IndexPosition | null): IndexPosition[] {
  const positions: IndexPosition[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const position = { onboardingId: flat[i] as string, score: Number(flat[i + 1]) };
    if (after === null || comesAfter(position, after)) positions.push(position);
  }
  return positions;
}
