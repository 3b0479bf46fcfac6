// Fault injection: status and body, delay, dropped connections, counts, and where faults apply.
import { bodyOf, startSimulator, type SimulatorFixture } from './simulator-fixture';

describe('simulator faults', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator();
  });
  afterEach(() => fx.running.close());

  it('answers with the given status, raw body and headers', async () => {
    fx.sim.faults.inject({
      endpoint: 'list',
      status: 503,
      body: '<html><body>Bad gateway</body></html>',
      headers: { 'Retry-After': '2' },
    });
    const res = await fx.api('GET', '/ds/login/links');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toBe('<html><body>Bad gateway</body></html>');
  });

  it('sends an object body as JSON and a truncated JSON string as is', async () => {
    fx.sim.faults.inject({
      endpoint: 'get',
      status: 500,
      body: {
        meta: { request_id: 'r1' },
        error: { code: 'LINK_UPDATE_FAILED', message: 'Try again' },
      },
    });
    fx.sim.faults.inject({ endpoint: 'get', status: 200, body: '{"meta":{"request_id":"r' });
    const first = await fx.api('GET', '/ds/login/link/dsll_1');
    expect(first.status).toBe(500);
    expect(await bodyOf(first)).toEqual({
      meta: { request_id: 'r1' },
      error: { code: 'LINK_UPDATE_FAILED', message: 'Try again' },
    });
    const second = await fx.api('GET', '/ds/login/link/dsll_1');
    expect(second.status).toBe(200);
    expect(await second.text()).toBe('{"meta":{"request_id":"r');
  });

  it('applies to the next N matching requests only, then answers normally', async () => {
    fx.sim.faults.inject({ endpoint: 'list', times: 2, status: 502 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await fx.api('GET', '/ds/login/links')).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('matches only its endpoint; "any" matches every API and login request', async () => {
    const link = await fx.createLink();
    fx.sim.faults.inject({ endpoint: 'close', status: 500 });
    expect((await fx.api('GET', `/ds/login/link/${link.link_id}`)).status).toBe(200);
    expect((await fx.api('PUT', `/ds/login/link/${link.link_id}/close`)).status).toBe(500);
    expect(fx.sim.getLink(link.link_id)?.status_code).toBe('OPEN');

    fx.sim.faults.inject({ endpoint: 'any', times: 2, status: 418 });
    expect(
      (await fx.api('PATCH', `/ds/login/link/${link.link_id}`, { description: 'x' })).status,
    ).toBe(418);
    expect((await fetch(link.login_url)).status).toBe(418);
    expect((await fx.api('GET', '/ds/login/links')).status).toBe(200);
  });

  it('applies before authentication and rate limiting', async () => {
    fx.sim.faults.inject({ endpoint: 'list', status: 500 });
    const res = await fx.api('GET', '/ds/login/links', undefined, {
      authorization: 'Bearer wrong',
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-ratelimit-remaining')).toBeNull();
    expect((await fx.api('GET', '/ds/login/links')).headers.get('x-ratelimit-remaining')).toBe(
      '9999',
    );
  });

  it('drops the connection without an answer', async () => {
    const link = await fx.createLink();
    fx.sim.faults.inject({ endpoint: 'create', drop: true });
    await expect(
      fx.api('POST', '/ds/login/link', { ds_id: 'GA', expiry_time: '7 days' }),
    ).rejects.toThrow();
    expect((await bodyOf(await fx.api('GET', '/ds/login/links'))).data).toHaveLength(1);
    fx.sim.faults.inject({ endpoint: 'login', drop: true });
    await expect(fetch(link.login_url)).rejects.toThrow();
    expect((await fetch(link.login_url)).status).toBe(200);
  });

  it('delays a request, then answers normally', async () => {
    const link = await fx.createLink();
    fx.sim.faults.inject({ endpoint: 'get', delayMs: 300 });
    const finished: string[] = [];
    const delayed = fx.api('GET', `/ds/login/link/${link.link_id}`).then(async (res) => {
      finished.push('delayed get');
      return res;
    });
    await fx.api('GET', '/ds/login/links').then(() => finished.push('list'));
    const res = await delayed;
    expect(finished).toEqual(['list', 'delayed get']);
    expect(res.status).toBe(200);
    expect((await bodyOf(res)).data.link_id).toBe(link.link_id);
  });

  it('delays, then answers with the fault status', async () => {
    fx.sim.faults.inject({ endpoint: 'list', delayMs: 200, status: 504 });
    const finished: string[] = [];
    const delayed = fx.api('GET', '/ds/login/links').then((res) => {
      finished.push('delayed');
      return res;
    });
    await fx.api('GET', '/ds/login/link/dsll_x').then(() => finished.push('other'));
    expect((await delayed).status).toBe(504);
    expect(finished).toEqual(['other', 'delayed']);
  });

  it('clear() removes pending faults', async () => {
    fx.sim.faults.inject({ endpoint: 'list', times: 5, status: 500 });
    fx.sim.faults.clear();
    expect((await fx.api('GET', '/ds/login/links')).status).toBe(200);
  });

  it('refuses a malformed spec', () => {
    expect(() => fx.sim.faults.inject({ endpoint: 'nope' as 'list', status: 500 })).toThrow(
      /endpoint/,
    );
    expect(() => fx.sim.faults.inject({ endpoint: 'list', status: 99 })).toThrow(/status/);
    expect(() => fx.sim.faults.inject({ endpoint: 'list' })).toThrow();
  });

  it('closing the simulator does not wait for a pending delay', async () => {
    fx.sim.faults.inject({ endpoint: 'list', delayMs: 60_000 });
    const pending = fx.api('GET', '/ds/login/links');
    while (fx.sim.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await fx.running.close();
    await expect(pending).rejects.toThrow('fetch failed');
  });
});
