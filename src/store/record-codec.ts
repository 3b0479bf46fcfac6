// OnboardingRecord ⇄ Redis hash fields. Absent field = null; strings as they are; JSON fields as JSON text.
//
// The representation, chosen so a record read back deep-equals the one written:
// - a null value is an absent field (so '' stays '' and never turns into null);
// - a string value is stored byte for byte;
// - `metadata` and `last_error` are JSON text, opaque to Lua: scripts copy them, never decode them
//   (cjson would turn [] into {} and round big numbers).
// Fields the record type does not know (such as `cancelled_time`) are ignored when decoding.
import { CorruptRecordError } from './errors';
import type { Completion, LastError, OnboardingRecord } from './store';

type FieldKind = 'string' | 'nullable' | 'json';

const FIELD_KINDS: { readonly [K in keyof OnboardingRecord]-?: FieldKind } = {
  onboarding_id: 'string',
  status: 'string',
  ds_id: 'string',
  ds_name: 'string',
  link_id: 'string',
  login_url: 'string',
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
};

const FIELDS = Object.keys(FIELD_KINDS) as (keyof OnboardingRecord)[];

/** Field → value for every non-null field; null fields are left out. */
export type HashFields = Record<string, string>;

function encodeValue(kind: FieldKind, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return kind === 'json' ? JSON.stringify(value) : String(value);
}

export function encodeRecord(record: OnboardingRecord): HashFields {
  const fields: HashFields = {};
  for (const name of FIELDS) {
    const value = encodeValue(FIELD_KINDS[name], record[name]);
    if (value !== null) fields[name] = value;
  }
  return fields;
}

/** Decodes a hash read back (HGETALL); an empty hash is a missing record: null. */
export function decodeRecord(fields: HashFields): OnboardingRecord | null {
  if (Object.keys(fields).length === 0) return null;
  const record: Record<string, unknown> = {};
  for (const name of FIELDS) {
    const kind = FIELD_KINDS[name];
    const raw = Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined;
    if (raw === undefined) {
      if (kind === 'string') {
        throw new CorruptRecordError(`A stored onboarding lacks its required field "${name}".`);
      }
      record[name] = null;
    } else if (kind === 'json') {
      try {
        record[name] = JSON.parse(raw);
      } catch {
        throw new CorruptRecordError(`A stored onboarding has invalid JSON in "${name}".`);
      }
    } else {
      record[name] = raw;
    }
  }
  return record as unknown as OnboardingRecord;
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

/** What a completion changes: fields to set, and fields to remove (the nulls, and last_error). */
export interface FieldChanges {
  set: HashFields;
  remove: string[];
}

export function completionChanges(completion: Completion): FieldChanges {
  const values: Partial<Record<keyof OnboardingRecord, string | null>> = {
    status: 'completed',
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

export function encodeLastError(error: LastError): string {
  return JSON.stringify(error);
}

/** Applies changes to a field map in place (the in-memory store's version of the scripts). */
export function applyChanges(fields: HashFields, changes: FieldChanges): void {
  for (const name of changes.remove) delete fields[name];
  Object.assign(fields, changes.set);
}
