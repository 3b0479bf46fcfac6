// An onboarding's history as stored: two fields of its record hash, so it lives and expires with the
// record and costs no key of its own. Its first entries are the record's own fields: `created` at
// created_time and, for a link made with the onboarding ("now"), `link_created` for its oldest link;
// nothing is stored for them. `history` holds the later entries oldest first, one per line, each
// `<ms>|<code>|<field>|<field>`, and `history_omitted` counts those left out: at most HISTORY_MAX in
// all, the first and the newest, so a flood of forged callbacks cannot grow it.
import { CorruptRecordError } from './errors';
import type { HashFields } from './record-codec';
import type { CompletedVia, HistoryEntry } from './store';

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

/** The record fields a history is read with (HMGET in Redis). */
export const HISTORY_READ_FIELDS = [
  'status',
  'created_time',
  'create_link',
  'link_id',
  'link_ids',
  HISTORY_FIELD,
  HISTORY_OMITTED_FIELD,
] as const;

type HistoryFields = Partial<Record<(typeof HISTORY_READ_FIELDS)[number], string | null>>;

/** The oldest link of an onboarding whose first link was made with it, else null. */
function linkMadeAtCreation(fields: HistoryFields): string | null {
  if (fields.create_link === 'on_open') return null;
  // link_ids is newest first; a record of the release before invitations has its one link_id.
  const ids = fields.link_ids?.split(',').filter(Boolean);
  return ids?.at(-1) ?? fields.link_id ?? null;
}

/** The entries a record's own fields tell: created, and the link made with it. */
function entriesAtCreation(fields: HistoryFields): HistoryEntry[] {
  if (!fields.created_time)
    throw new CorruptRecordError('A stored onboarding has no created_time.');
  const time = new Date(Date.parse(fields.created_time)).toISOString();
  const linkId = linkMadeAtCreation(fields);
  return [
    { type: 'created', time },
    ...(linkId === null ? [] : [{ type: 'link_created', time, link_id: linkId } as const]),
  ];
}

/** A record's history, from its fields (null: no record). */
export function decodeHistory(
  fields: HistoryFields,
): { entries: HistoryEntry[]; omitted: number } | null {
  if (!fields.status) return null;
  const stored = fields[HISTORY_FIELD];
  return {
    entries: [...entriesAtCreation(fields), ...(stored ? stored.split('\n').map(decodeEntry) : [])],
    omitted: fields[HISTORY_OMITTED_FIELD] ? Number(fields[HISTORY_OMITTED_FIELD]) : 0,
  };
}

/** Appends encoded entries to a record's fields in place, as add_history does (the memory store's). */
export function appendHistory(fields: HashFields, encoded: readonly string[]): void {
  const kept = HISTORY_MAX - entriesAtCreation(fields).length;
  for (const entry of encoded) {
    const lines = fields[HISTORY_FIELD] === undefined ? [] : fields[HISTORY_FIELD].split('\n');
    lines.push(entry);
    if (lines.length > kept) {
      lines.shift();
      fields[HISTORY_OMITTED_FIELD] = String(Number(fields[HISTORY_OMITTED_FIELD] ?? 0) + 1);
    }
    fields[HISTORY_FIELD] = lines.join('\n');
  }
}

/**
 * Lua: add_history(key, entry) appends one encoded entry to the record at key (which must exist),
 * dropping the oldest stored one (never the creation entries, which are not stored) when the history
 * would hold more than HISTORY_MAX, and counting it.
 */
export const ADD_HISTORY_LUA = `
local function add_history(key, entry)
  local fields = redis.call('HMGET', key, '${HISTORY_FIELD}', 'create_link', 'link_ids', 'link_id')
  local history = fields[1]
  if not history then
    redis.call('HSET', key, '${HISTORY_FIELD}', entry)
    return
  end
  local at_creation = 1
  if fields[2] ~= 'on_open' and (fields[3] or fields[4]) then at_creation = 2 end
  local _, breaks = string.gsub(history, '\\n', '\\n')
  history = history .. '\\n' .. entry
  if breaks + 2 > ${HISTORY_MAX} - at_creation then
    history = string.sub(history, string.find(history, '\\n', 1, true) + 1)
    redis.call('HINCRBY', key, '${HISTORY_OMITTED_FIELD}', 1)
  end
  redis.call('HSET', key, '${HISTORY_FIELD}', history)
end
`;
