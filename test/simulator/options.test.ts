// createSimulator's options: the clock (system by default, any Clock injected), the limits, and validation.
import { isoSeconds, type Clock } from '../../src/lib/clock';
import { createSimulator } from '../../src/simulator';
import { bodyOf, HOUR, startSimulator, T0 } from './simulator-fixture';

describe('simulator options', () => {
  it('defaults to the system clock', async () => {
    const sim = createSimulator();
    const running = await sim.listen(0);
    try {
      const before = Date.now();
      const res = await fetch(`${running.apiUrl}/ds/login/link`, {
        method: 'POST',
        headers: { authorization: 'Bearer sandbox', 'content-type': 'application/json' },
        body: JSON.stringify({ ds_id: 'GA', expiry_time: '1 hour' }),
      });
      const after = Date.now();
      const created = Date.parse((await bodyOf(res)).data.created_time);
      expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(created).toBeLessThanOrEqual(after);
    } finally {
      await running.close();
    }
  });

  it('runs link expiry and the hourly window on any injected Clock, however fast it moves', async () => {
    let now = T0;
    const clock: Clock = { now: () => now };
    const fx = await startSimulator({ clock, hourlyBudget: 2 });
    try {
      const link = await fx.createLink({ expiry_time: '1 hour' });
      expect(link.created_time).toBe(isoSeconds(T0));
      expect(link.expiry_time).toBe(isoSeconds(T0 + HOUR));
      const spent = await fx.api('GET', '/ds/login/links');
      expect(spent.headers.get('x-ratelimit-remaining')).toBe('0');
      expect((await fx.api('GET', '/ds/login/links')).status).toBe(429);

      now += HOUR;
      const fresh = await fx.api('GET', `/ds/login/link/${link.link_id}`);
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await bodyOf(fresh)).data.status_code).toBe('EXPIRED');
      expect(fx.sim.requests.at(-1)?.time).toBe(T0 + HOUR);
    } finally {
      await fx.running.close();
    }
  });

  it('takes the OPEN link limit and the hourly budget as options', async () => {
    const fx = await startSimulator({ linkLimit: 1, hourlyBudget: 7 });
    try {
      await fx.createLink();
      const refused = await fx.api('POST', '/ds/login/link', { ds_id: 'GA', expiry_time: '1 day' });
      expect(refused.status).toBe(403);
      expect((await bodyOf(refused)).error.code).toBe('LINK_LIMIT_EXCEEDED');
      expect(refused.headers.get('x-ratelimit-limit')).toBe('7');
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('5');
    } finally {
      await fx.running.close();
    }
  });

  it('refuses bad options at creation, naming every problem at once', () => {
    expect(() =>
      createSimulator({
        apiKey: 'two words',
        linkLimit: -1,
        hourlyBudget: 0,
        publicUrl: 'ftp://example.com',
        clock: {} as Clock,
      }),
    ).toThrow(
      new TypeError(
        'Invalid simulator options: apiKey must be non-empty, without spaces; ' +
          'linkLimit must be a whole number; hourlyBudget must be a whole number, at least 1; ' +
          'clock must have a now() method; publicUrl must be an http(s) URL',
      ),
    );
  });
});
