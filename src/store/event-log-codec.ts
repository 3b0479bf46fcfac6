// The events feed's stored strings, shared by the Redis and in-memory logs: feed positions, event type
// codes, and each event's log entry (feed position, delivery state, queueing mark, attempts).
//
// A log entry is `<state>|<position>|<mark>|<attempts>`, attempts `;`-separated, each
// `<atMs>,<durationMs>,<status>,<error>` (one of the last two empty). Compact on purpose: an event's
// deliveries cost one short hash field for 30 days. Scripts edit it with string matching, no JSON.
import { CorruptRecordError, InvalidCursorError } from './errors';
import type { DeliveryAttempt, DeliveryState, EventType } from './store';

/** At most this many attempts are kept per event (the newest); the retry schedule makes 13 per queueing. */
export const MAX_LOGGED_ATTEMPTS = 100;

const TYPE_CODES: Record<EventType, string> = {
  'login.completed': 'c',
  'onboarding.expired': 'e',
};
const TYPES_BY_CODE = new Map(Object.entries(TYPE_CODES).map(([type, code]) => [code, type]));

export function typeCode(type: EventType): string {
  const code = TYPE_CODES[type];
  if (!code) throw new RangeError(`Unknown event type "${String(type)}".`);
  return code;
}

export function typeOfCode(code: string | undefined): EventType {
  const type = code === undefined ? undefined : TYPES_BY_CODE.get(code);
  if (!type) throw new CorruptRecordError('A feed entry has an unknown event type.');
  return type as EventType;
}

const STATE_CODES: Record<string, DeliveryState> = { p: 'pending', d: 'delivered', x: 'dead' };

/** A feed position: `<ms>-<n>`, as Redis stream ids are written. */
const POSITION = /^(\d{1,15})-(\d{1,15})$/;

/** The position's [ms, n]; InvalidCursorError for anything else. */
export function parsePosition(position: string): [number, number] {
  const match = typeof position === 'string' ? POSITION.exec(position) : null;
  if (!match) throw new InvalidCursorError('The feed cursor is not valid.');
  return [Number(match[1]), Number(match[2])];
}

export function comparePositions(a: string, b: string): number {
  const [am, an] = parsePosition(a);
  const [bm, bn] = parsePosition(b);
  return am - bm || an - bn;
}

/** The position the next event recorded at nowMs takes, after `last` (the newest, or null). */
export function nextPosition(last: string | null, nowMs: number): string {
  if (last === null) return `${nowMs}-0`;
  const [ms, n] = parsePosition(last);
  return ms >= nowMs ? `${ms}-${n + 1}` : `${nowMs}-0`;
}

/** Attempt errors lose the characters the entry uses as separators, and are cut to 200. */
function cleanError(error: string): string {
  return error.replace(/[,;|\r\n]/g, ' ').slice(0, 200);
}

export function encodeAttempt(attempt: DeliveryAttempt): string {
  const { atMs, durationMs, status, error } = attempt;
  if (!Number.isSafeInteger(atMs) || atMs < 0) throw new RangeError('atMs must be a time in ms.');
  if (!Number.isSafeInteger(durationMs) || durationMs < 0)
    throw new RangeError('durationMs must be a whole number of ms.');
  if (status !== null && (!Number.isInteger(status) || status < 100 || status > 999))
    throw new RangeError('status must be an HTTP status.');
  return `${atMs},${durationMs},${status ?? ''},${error === null ? '' : cleanError(error)}`;
}

function decodeAttempt(value: string): DeliveryAttempt {
  const [at, duration, status, ...error] = value.split(',');
  return {
    atMs: Number(at),
    durationMs: Number(duration),
    status: status ? Number(status) : null,
    error: status ? null : error.join(','),
  };
}

/** The attempt as it reads back once stored (its error cleaned and cut). */
export function storedAttempt(attempt: DeliveryAttempt): DeliveryAttempt {
  return decodeAttempt(encodeAttempt(attempt));
}

export interface LogEntry {
  state: DeliveryState;
  position: string;
  /** The queueing mark when it was last queued; 0 when never. */
  mark: number;
  attempts: DeliveryAttempt[];
}

const LOG_ENTRY = /^([pdx])\|([^|]*)\|(\d*)\|(.*)$/s;

/** The Lua pattern the scripts read an entry with (the same fields as LOG_ENTRY). */
export const LOG_ENTRY_LUA_PATTERN = '^(%a)|([^|]*)|([^|]*)|(.*)$';

export function encodeLogEntry(entry: LogEntry): string {
  const state = Object.keys(STATE_CODES).find((code) => STATE_CODES[code] === entry.state);
  const attempts = entry.attempts.slice(-MAX_LOGGED_ATTEMPTS).map(encodeAttempt).join(';');
  return `${state}|${entry.position}|${entry.mark === 0 ? '' : entry.mark}|${attempts}`;
}

export function decodeLogEntry(value: string): LogEntry {
  const match = LOG_ENTRY.exec(value);
  if (!match) throw new CorruptRecordError('An event log entry is malformed.');
  const [, state, position, mark, attempts] = match as unknown as string[];
  return {
    state: STATE_CODES[state!]!,
    position: position!,
    mark: mark ? Number(mark) : 0,
    attempts: attempts ? attempts.split(';').map(decodeAttempt) : [],
  };
}
