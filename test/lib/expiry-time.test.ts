// expiry_time parsing: dates, datetimes and relative strings, as the create endpoint accepts them.
import { isoSeconds } from '../../src/lib/clock';
import { parseExpiryTime } from '../../src/lib/expiry-time';
import { DAY, HOUR, T0 } from '../simulator/simulator-fixture';

const iso = (text: string): string | null => {
  const ms = parseExpiryTime(text, T0);
  return ms === null ? null : isoSeconds(ms);
};

describe('parseExpiryTime', () => {
  it('reads a date as midnight UTC of that day', () => {
    expect(iso('2026-12-01')).toBe('2026-12-01T00:00:00+00:00');
  });

  it('reads datetimes with Z, with an offset, and without one (as UTC)', () => {
    expect(iso('2026-02-03T04:05:06Z')).toBe('2026-02-03T04:05:06+00:00');
    expect(iso('2026-02-03T04:05:06+02:00')).toBe('2026-02-03T02:05:06+00:00');
    expect(iso('2026-02-03T04:05:06-0530')).toBe('2026-02-03T09:35:06+00:00');
    expect(iso('2026-02-03 04:05')).toBe('2026-02-03T04:05:00+00:00');
    expect(iso('2026-02-03T04:05:06.789Z')).toBe('2026-02-03T04:05:06+00:00');
  });

  it('reads relative strings from now', () => {
    expect(parseExpiryTime('24 hours', T0)).toBe(T0 + 24 * HOUR);
    expect(parseExpiryTime('7 days', T0)).toBe(T0 + 7 * DAY);
    expect(parseExpiryTime('30 minutes', T0)).toBe(T0 + 30 * 60 * 1000);
    expect(parseExpiryTime('1 week', T0)).toBe(T0 + 7 * DAY);
    expect(parseExpiryTime('+2 days', T0)).toBe(T0 + 2 * DAY);
    expect(parseExpiryTime('1 week 2 days', T0)).toBe(T0 + 9 * DAY);
    expect(iso('1 month')).toBe('2026-02-15T10:30:00+00:00');
    expect(iso('tomorrow')).toBe('2026-01-16T00:00:00+00:00');
  });

  it.each([
    '',
    'soon',
    '2026-13-01',
    '2026-02-30',
    '2026-02-03T25:00:00Z',
    '24 lightyears',
    '2 days ago',
    '-2 days',
    '1 week, 2 days',
  ])('refuses %p', (text) => {
    expect(parseExpiryTime(text, T0)).toBeNull();
  });
});
