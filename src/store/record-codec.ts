// OnboardingRecord ⇄ Redis hash fields. Absent field = null; strings as they are; JSON fields as JSON text.
//
// The representation, chosen so a record read back deep-equals the one written:
// - a null value is an absent field (so '' stays '' and never turns into null);
// - a string value is stored byte for byte, an integer as its decimal text;
// - `metadata`, `last_error` and `links` are JSON text, opaque to Lua: scripts copy them, never decode
//   them (cjson would turn [] into {} and round big numbers);
// - `link_ids` (`,id1,id2,`) is derived from `links` so a script can test membership with string.find;
// - `events` is `<webhook_id> <type> <time>` per event, comma-separated, so a script appends one with
//   plain string concatenation (absent: none).
// Fields the record type does not know (such as `cancelled_time`, `link_ids`) are ignored when decoding.
// A record written before invitations lacks their fields: it decodes with the defaults in LEGACY_DEFAULTS.
import { CorruptRecordError } from './errors';
import type {
  Completion,
  EventRef,
  EventType,
  LastError,
  OnboardingChanges,
  OnboardingLink,
  OnboardingRecord,
} from './store';

/**
 * string: required; nullable: a string or null; json: JSON text or null; integer: decimal text or null;
 * events: the EventRef list (absent: empty).
 */
type FieldKind = 'string' | 'nullable' | 'json' | 'integer' | 'events';

const FIELD_KINDS: { readonly [K in keyof OnboardingRecord]-?: FieldKind } = {
  onboarding_id: 'string',
  status: 'string',
  ds_id: 'string',
  ds_name: 'string',
  create_link: 'string',
  link_id: 'nullable',
  login_url: 'nullable',
  links: 'json',
  description: 'string',
  require_username: 'nullable',
  return_url: 'nullable',
  metadata: 'json',
  created_time: 'string',
  expiry_time: 'string',
  completed_time: 'nullable',
  login_id: 'nullable',
  login_username: 'nullable',
  login_time: 'nullable',
  user_id: 'nullable',
  completed_via: 'nullable',
  last_error: 'json',
  state_hash: 'string',
  verifier_hash: 'nullable',
  start_token_hash: 'nullable',
  start_token_sealed: 'nullable',
  link_lock_until: 'integer',
  rev: 'integer',
  events: 'events',
};

const FIELDS = Object.keys(FIELD_KINDS) as (keyof OnboardingRecord)[];

/** The derived membership field: `,id1,id2,` for the record's links; absent when it has none. */
export const LINK_IDS_FIELD = 'link_ids';

/** Field → value for every non-null field; null fields are left out. */
export type HashFields = Record<string, string>;

/**
 * What a record written by the release before invitations means for the fields it lacks: it was made
 * with its link at creation, was never updated, and had exactly one link, whose upstream status it did
 * not keep (OPEN until reconciliation reads it).
 */
const LEGACY_DEFAULTS: Partial<Record<keyof OnboardingRecord, (fields: HashFields) => unknown>> = {
  create_link: () => 'now',
  rev: () => 0,
  links: legacyLinks,
};

function legacyLinks(fields: HashFields): OnboardingLink[] {
  const linkId = fields.link_id;
  if (linkId === undefined) return [];
  const required = (name: string): string => {
    const value = fields[name];
    if (value === undefined) {
      throw new CorruptRecordError(`A stored onboarding lacks its required field "${name}".`);
    }
    return value;
  };
  return [
    {
      link_id: linkId,
      status: 'OPEN',
      created_time: required('created_time'),
      expiry_time: required('expiry_time'),
      login_url: required('login_url'),
      state_hash: required('state_hash'),
      sent_time: null,
      recycled_time: null,
    },
  ];
}

const EVENT_TYPES: ReadonlySet<EventType> = new Set(['login.completed', 'onboarding.expired']);
/** What an EventRef's parts may hold: no space or comma, the separators of the stored list. */
const EVENT_REF_PART = /^[^\s,]{1,200}$/;

/** One event as the completion and expiry scripts append it to `events`. */
export function encodeEventRef(ref: EventRef): string {
  const { webhook_id: id, type, time } = ref;
  if (typeof id !== 'string' || !EVENT_REF_PART.test(id) || /[{}]/.test(id))
    throw new RangeError(
      'An event webhook_id must be 1 to 200 characters without a space, comma or brace.',
    );
  if (!EVENT_TYPES.has(type))
    throw new RangeError(`An event type must be one of ${[...EVENT_TYPES].join(', ')}.`);
  if (typeof time !== 'string' || !EVENT_REF_PART.test(time) || Number.isNaN(Date.parse(time)))
    throw new RangeError('An event time must be an ISO 8601 time.');
  return `${id} ${type} ${time}`;
}

function encodeEventRefs(refs: unknown): string | null {
  if (!Array.isArray(refs)) throw new RangeError('events must be a list.');
  return refs.length === 0 ? null : refs.map((ref: EventRef) => encodeEventRef(ref)).join(',');
}

function decodeEventRefs(raw: string): EventRef[] {
  return raw.split(',').map((item) => {
    const [webhookId, type, time, extra] = item.split(' ');
    if (!webhookId || !time || extra !== undefined || !EVENT_TYPES.has(type as EventType))
      throw new CorruptRecordError('A stored onboarding has a malformed event.');
    return { webhook_id: webhookId, type: type as EventType, time };
  });
}

function encodeValue(name: string, kind: FieldKind, value: unknown): string | null {
  if (kind === 'events') return encodeEventRefs(value);
  if (value === null || value === undefined) return null;
  if (kind === 'json') return JSON.stringify(value);
  if (kind === 'integer' && !Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a whole number.`);
  }
  return String(value);
}

/**
 * `,id1,id2,` for these links, or null when there are none. A link id is never empty and never holds a
 * comma, or the membership test would be ambiguous.
 */
export function linkIdsField(links: readonly OnboardingLink[]): string | null {
  if (!Array.isArray(links)) throw new RangeError('links must be a list.');
  if (links.length === 0) return null;
  for (const { link_id: id } of links) {
    if (typeof id !== 'string' || id === '' || id.includes(',')) {
      throw new RangeError('A link id must be a non-empty string without a comma.');
    }
  }
  return `,${links.map((link) => link.link_id).join(',')},`;
}

/**
 * Whether linkId is one of the stored record's links: its link_id, or in link_ids. The completion
 * script makes the same test in Lua; the memory store uses this one.
 */
export function isLinkOf(fields: HashFields, linkId: string): boolean {
  if (fields.link_id === linkId) return true;
  const ids = fields[LINK_IDS_FIELD];
  return ids !== undefined && !linkId.includes(',') && ids.includes(`,${linkId},`);
}

export function encodeRecord(record: OnboardingRecord): HashFields {
  const fields: HashFields = {};
  for (const name of FIELDS) {
    const value = encodeValue(name, FIELD_KINDS[name], record[name]);
    if (value !== null) fields[name] = value;
  }
  const linkIds = linkIdsField(record.links);
  if (linkIds !== null) fields[LINK_IDS_FIELD] = linkIds;
  return fields;
}

/** Decodes a hash read back (HGETALL); an empty hash is a missing record: null. */
export function decodeRecord(fields: HashFields): OnboardingRecord | null {
  if (Object.keys(fields).length === 0) return null;
  const record: Record<string, unknown> = {};
  for (const name of FIELDS) {
    const raw = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
    record[name] = raw === undefined ? absentValue(name, fields) : decodeValue(name, raw);
  }
  if (!Array.isArray(record.links)) {
    throw new CorruptRecordError('A stored onboarding has links that are not a list.');
  }
  return record as unknown as OnboardingRecord;
}

function absentValue(name: keyof OnboardingRecord, fields: HashFields): unknown {
  const legacy = LEGACY_DEFAULTS[name];
  if (legacy) return legacy(fields);
  if (FIELD_KINDS[name] === 'events') return [];
  if (FIELD_KINDS[name] === 'string') {
    throw new CorruptRecordError(`A stored onboarding lacks its required field "${name}".`);
  }
  return null;
}

function decodeValue(name: keyof OnboardingRecord, raw: string): unknown {
  const kind = FIELD_KINDS[name];
  if (kind === 'events') return decodeEventRefs(raw);
  if (kind === 'json') {
    try {
      return JSON.parse(raw);
    } catch {
      throw new CorruptRecordError(`A stored onboarding has invalid JSON in "${name}".`);
    }
  }
  if (kind === 'integer') {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new CorruptRecordError(`A stored onboarding has a non-integer "${name}".`);
    }
    return value;
  }
  return raw;
}

/** Turns a Redis flat reply [field, value, field, value, …] into an object. */
export function pairsToFields(flat: readonly string[]): HashFields {
  const fields: HashFields = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
  return fields;
}

export function fieldsToPairs(fields: HashFields): string[] {
  return Object.entries(fields).flat();
}

/** What a change writes: fields to set, and fields to remove (the nulls). */
export interface FieldChanges {
  set: HashFields;
  remove: string[];
}

export function completionChanges(completion: Completion): FieldChanges {
  const values: Partial<Record<keyof OnboardingRecord, string | null>> = {
    status: 'completed',
    link_id: completion.link_id,
    login_id: completion.login_id,
    login_username: completion.login_username,
    login_time: completion.login_time,
    user_id: completion.user_id,
    completed_time: completion.completed_time,
    completed_via: completion.completed_via,
    verifier_hash: completion.verifier_hash,
  };
  const changes: FieldChanges = { set: {}, remove: ['last_error'] };
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) changes.remove.push(name);
    else changes.set[name] = value;
  }
  return changes;
}

/** The fields updateOnboarding may write; any other key in the changes is ignored. */
const UPDATABLE: { readonly [K in keyof OnboardingChanges]-?: true } = {
  links: true,
  link_id: true,
  login_url: true,
  ds_name: true,
  start_token_hash: true,
  start_token_sealed: true,
  link_lock_until: true,
};

/** What updateOnboarding writes for `changes` (rev aside): a null removes the field; links rewrite link_ids. */
export function updateChanges(changes: OnboardingChanges): FieldChanges {
  const result: FieldChanges = { set: {}, remove: [] };
  for (const name of Object.keys(UPDATABLE) as (keyof OnboardingChanges)[]) {
    const value = changes[name];
    if (value === undefined) continue;
    const kind = FIELD_KINDS[name];
    const encoded = encodeValue(name, kind, value);
    if (encoded === null && (kind === 'string' || name in LEGACY_DEFAULTS)) {
      // An absent links field would read back as a legacy record's single link.
      throw new RangeError(`${name} is required and cannot be removed.`);
    }
    if (encoded === null) result.remove.push(name);
    else result.set[name] = encoded;
    if (name === 'links') {
      const linkIds = linkIdsField(value as OnboardingLink[]);
      if (linkIds === null) result.remove.push(LINK_IDS_FIELD);
      else result.set[LINK_IDS_FIELD] = linkIds;
    }
  }
  return result;
}

export function encodeLastError(error: LastError): string {
  return JSON.stringify(error);
}

/** Applies changes to a field map in place (the in-memory store's version of the scripts). */
export function applyChanges(fields: HashFields, changes: FieldChanges): void {
  for (const name of changes.remove) delete fields[name];
  Object.assign(fields, changes.set);
}
