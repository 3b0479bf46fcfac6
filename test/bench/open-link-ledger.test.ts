// OPEN-link time on a simulated clock: each link from creation to its close or expiry, summed, and the
// most links OPEN at one instant; plus the event queue that orders the campaign's steps.
import { EventQueue } from '../../bench/event-queue';
import { OpenLinkLedger } from '../../bench/open-link-ledger';

const S = 1000;

describe('OpenLinkLedger', () => {
  it('sums each link from its creation to its close', () => {
    const ledger = new OpenLinkLedger();
    ledger.opened('a', 0, 3600 * S);
    ledger.opened('b', 10 * S, 3600 * S);
    ledger.closed('a', 100 * S);
    ledger.closed('b', 40 * S);
    expect(ledger.openSeconds()).toBe(130);
  });

  it('counts a link never closed until its expiry', () => {
    const ledger = new OpenLinkLedger();
    ledger.opened('a', 50 * S, 650 * S);
    expect(ledger.openIds()).toEqual(['a']);
    expect(ledger.openSeconds()).toBe(600);
  });

  it('counts a link first seen not OPEN after its expiry only up to the expiry', () => {
    const ledger = new OpenLinkLedger();
    ledger.opened('a', 0, 300 * S);
    ledger.closed('a', 900 * S);
    expect(ledger.openSeconds()).toBe(300);
    expect(ledger.openIds()).toEqual([]);
  });

  it('keeps the first close of a link', () => {
    const ledger = new OpenLinkLedger();
    ledger.opened('a', 0, 3600 * S);
    ledger.closed('a', 20 * S);
    ledger.closed('a', 90 * S);
    expect(ledger.openSeconds()).toBe(20);
  });

  it('finds the most links OPEN at once, a close and an open at one instant not overlapping', () => {
    const ledger = new OpenLinkLedger();
    ledger.opened('a', 0, 3600 * S);
    ledger.opened('b', 5 * S, 3600 * S);
    ledger.opened('c', 6 * S, 3600 * S);
    ledger.closed('a', 10 * S);
    ledger.opened('d', 10 * S, 3600 * S);
    ledger.closed('b', 12 * S);
    ledger.closed('c', 12 * S);
    ledger.closed('d', 12 * S);
    expect(ledger.mostAtOnce()).toBe(3);
  });

  it('refuses a link opened twice or expiring before it opens', () => {
    const ledger = new OpenLinkLedger();
    ledger.opened('a', 0, S);
    expect(() => ledger.opened('a', 0, S)).toThrow('opened twice');
    expect(() => ledger.opened('b', 2 * S, S)).toThrow(RangeError);
  });
});

describe('EventQueue', () => {
  it('runs the earliest first and same-instant events in the order they were scheduled', () => {
    const queue = new EventQueue();
    const ran: string[] = [];
    queue.schedule(20, () => void ran.push('late'));
    queue.schedule(10, () => void ran.push('first at 10'));
    queue.schedule(5, () => void ran.push('early'));
    queue.schedule(10, () => void ran.push('second at 10'));
    for (let event = queue.next(); event; event = queue.next()) void event.action();
    expect(ran).toEqual(['early', 'first at 10', 'second at 10', 'late']);
    expect(queue.size).toBe(0);
  });

  it('refuses an event without a finite time', () => {
    expect(() => new EventQueue().schedule(Number.NaN, () => {})).toThrow(RangeError);
  });
});
