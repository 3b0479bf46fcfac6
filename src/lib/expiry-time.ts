// Parses an expiry_time as the Supermetrics API accepts it (a date, a datetime or a relative string); the
// simulator's create endpoint and the receiver's invitations ("on_open") both read it this way.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE_TERM =
  /^\+?(\d{1,6})\s*(seconds?|secs?|minutes?|mins?|hours?|days?|weeks?|months?|years?)$/i;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The expiry as epoch milliseconds (whole seconds), or null when the text is none of the
 * accepted forms. Dates mean midnight UTC; datetimes without an offset are read as UTC.
 */
export function parseExpiryTime(text: string, nowMs: number): number | null {
  const value = text.trim();
  if (value === '') return null;
  const parsed = parseDate(value) ?? parseDateTime(value) ?? parseRelative(value, nowMs);
  return parsed === null ? null : Math.floor(parsed / 1000) * 1000;
}

function parseDate(value: string): number | null {
  const m = DATE.exec(value);
  if (!m) return null;
  return utc(Number(m[1]), Number(m[2]), Number(m[3]), 0, 0, 0);
}

function parseDateTime(value: string): number | null {
  const m = DATETIME.exec(value);
  if (!m) return null;
  const local = utc(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
  if (local === null) return null;
  const offset = offsetMinutes(m[8]);
  return offset === null ? null : local - offset * MINUTE;
}

/** "Z", "+02:00", "-0530" or none (UTC) as minutes east of UTC; null when out of range. */
function offsetMinutes(text: string | undefined): number | null {
  if (text === undefined || text.toUpperCase() === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 14 || minutes > 59) return null;
  return (text.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Date.UTC that refuses impossible fields (month 13, 30 February, 25 o'clock). */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return null;
  return ms;
}

/** "24 hours", "+2 days", "1 week 3 days", "tomorrow" (midnight of the next day). */
function parseRelative(value: string, nowMs: number): number | null {
  if (value.toLowerCase() === 'tomorrow') {
    const now = new Date(nowMs);
    return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  }
  const terms = value.match(/\+?\d+\s*[a-z]+/gi);
  if (!terms || terms.join(' ').replace(/\s+/g, ' ') !== value.replace(/\s+/g, ' ')) return null;
  let at = nowMs;
  for (const term of terms) {
    const m = RELATIVE_TERM.exec(term);
    if (!m) return null;
    at = addUnit(at, Number(m[1]), m[2]!.toLowerCase());
  }
  return at;
}

function addUnit(at: number, amount: number, unit: string): number {
  if (unit.startsWith('sec')) return at + amount * 1000;
  if (unit.startsWith('min')) return at + amount * MINUTE;
  if (unit.startsWith('hour')) return at + amount * HOUR;
  if (unit.startsWith('day')) return at + amount * DAY;
  if (unit.startsWith('week')) return at + amount * 7 * DAY;
  const date = new Date(at);
  if (unit.startsWith('month')) date.setUTCMonth(date.getUTCMonth() + amount);
  else date.setUTCFullYear(date.getUTCFullYear() + amount);
  return date.getTime();
}
