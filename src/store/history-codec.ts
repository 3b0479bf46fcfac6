// An onboarding's history as stored: two fields of its record hash, so it lives and expires with the
// record and costs no key of its own. `history` holds the entries oldest first, one per line, each
// `<ms>|<code>|<field>|<field>`; `history_omitted` counts the entries left out. At most HISTORY_MAX are
// kept: the first (its creation) and the newest, so a flood of forged callbacks cannot grow it.
import { CorruptRecordError } from './errors';
import type { HashFields } from './record-codec';
import type { CompletedVia, HistoryEntry, OnboardingRecord } from './store';

export const HISTORY_MAX = 100;
export const HISTORY_FIELD = 'history';
export const HISTORY_OMITTED_FIELD = 'history_omitted';

const CODES = {
  created: 'cr',
  start_opened: 'so',
  link_created: 'lc',
  link_closed: 'lx',
  callback_failed: 'cf',
  completed: 'co',
  webhook_delivered: 'wd',
  webhook_failed: 'wf',
  expired: 'ex',
  cancelled: 'ca',
} as const satisfies Record<HistoryEntry['type'], string>;

const TYPES = new Map<string, HistoryEntry['type']>(
  Object.entries(CODES).map(([type, code]) => [code, type as HistoryEntry['type']]),
);

/** Field text loses the separators (`|`, line breaks) and is cut to 200 characters. */
function clean(value: string): string {
  return value.replace(/[|\r\n]/g, ' ').slice(0, 200);
}

function timeMs(time: string): number {
  const ms = Date.parse(time);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError('A history entry needs a time.');
  return ms;
}

/** The fields after the time and the code, by type. */
function fieldsOf(entry: HistoryEntry): string[] {
  switch (entry.type) {
    case 'link_created':
    case 'link_closed':
      return [entry.link_id];
    case 'callback_failed':
      return [entry.code];
    case 'completed':
      return [entry.completed_via, entry.link_id];
    case 'webhook_delivered':
      return [entry.webhook_id, String(entry.status)];
    case 'webhook_failed':
      return [
        entry.webhook_id,
        entry.status === null ? `!${entry.error ?? ''}` : String(entry.status),
      ];
    default:
      return [];
  }
}

export function encodeHistoryEntry(entry: HistoryEntry): string {
  const code = CODES[entry.type];
  if (!code) throw new RangeError(`Unknown history entry type "${String(entry.type)}".`);
  return [timeMs(entry.time), code, ...fieldsOf(entry).map(clean)].join('|');
}

function decodeEntry(line: string): HistoryEntry {
  const [ms, code, a = '', b = ''] = line.split('|');
  const type = TYPES.get(code ?? '');
  if (!type || !/^\d+$/.test(ms ?? ''))
    throw new CorruptRecordError('A history entry is malformed.');
  const time = new Date(Number(ms)).toISOString();
  switch (type) {
    case 'link_created':
    case 'link_closed':
      return { type, time, link_id: a };
    case 'callback_failed':
      return { type, time, code: a };
    case 'completed':
      return { type, time, completed_via: a as CompletedVia, link_id: b };
    case 'webhook_delivered':
      return { type, time, webhook_id: a, status: Number(b) };
    case 'webhook_failed':
      return b.startsWith('!')
        ? { type, time, webhook_id: a, status: null, error: b.slice(1) }
        : { type, time, webhook_id: a, status: Number(b), error: null };
    default:
      return { type, time };
  }
}

/** A new record's history: `created`, and `link_created` for each link made with it, oldest first. */
export function creationHistory(record: OnboardingRecord): HistoryEntry[] {
  const time = record.created_time;
  const links = [...record.links].reverse();
  return [
    { type: 'created', time },
    ...links.map((link): HistoryEntry => ({ type: 'link_created', time, link_id: link.link_id })),
  ];
}

/** The history held by a record's fields (none: an empty one). */
export function decodeHistory(
  history: string | null | undefined,
  omitted: string | null | undefined,
): { entries: HistoryEntry[]; omitted: number } {
  return {
    entries: history ? history.split('\n').map(decodeEntry) : [],
    omitted: omitted ? Number(omitted) : 0,
  };
}

/** Appends encoded entries to a record's fields in place, as add_history does (the memory store's). */
export function appendHistory(fields: HashFields, encoded: readonly string[]): void {
  for (const entry of encoded) {
    const lines = fields[HISTORY_FIELD] === undefined ? [] : fields[HISTORY_FIELD].split('\n');
    lines.push(entry);
    if (lines.length > HISTORY_MAX) {
      lines.splice(1, 1);
      fields[HISTORY_OMITTED_FIELD] = String(Number(fields[HISTORY_OMITTED_FIELD] ?? 0) + 1);
    }
    fields[HISTORY_FIELD] = lines.join('\n');
  }
}

/**
 * Lua: add_history(key, entry) appends one encoded entry to the record at key (which must exist),
 * dropping the second-oldest when more than HISTORY_MAX are held and counting it.
 */
export const ADD_HISTORY_LUA = `
local function add_history(key, entry)
  local history = redis.call('HGET', key, '${HISTORY_FIELD}')
  if not history then
    redis.call('HSET', key, '${HISTORY_FIELD}', entry)
    return
  end
  local _, breaks = string.gsub(history, '\\n', '\\n')
  history = history .. '\\n' .. entry
  if breaks + 2 > ${HISTORY_MAX} then
    local first = string.find(history, '\\n', 1, true)
    local second = string.find(history, '\\n', first + 1, true)
    history = string.sub(history, 1, first) .. string.sub(history, second + 1)
    redis.call('HINCRBY', key, '${HISTORY_OMITTED_FIELD}', 1)
  end
  redis.call('HSET', key, '${HISTORY_FIELD}', history)
end
`;
