// The HTTP controls under /_simulator/ and the request log.
import { bodyOf, startSimulator, T0, type SimulatorFixture } from './simulator-fixture';

describe('simulator controls and request log', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator();
  });
  afterEach(() => fx.running.close());

  const control = (method: string, path: string, body?: unknown, key = 'sandbox') =>
    fetch(`${fx.running.url}/_simulator${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('requires the bearer key', async () => {
    expect((await control('GET', '/requests', undefined, 'wrong')).status).toBe(401);
    expect(
      (await control('POST', '/faults', { endpoint: 'list', status: 500 }, 'wrong')).status,
    ).toBe(401);
    expect((await fx.api('GET', '/ds/login/links')).status).toBe(200);
  });

  it('injects and clears faults over HTTP', async () => {
    expect(
      (await control('POST', '/faults', { endpoint: 'list', times: 3, status: 503 })).status,
    ).toBe(204);
    expect((await fx.api('GET', '/ds/login/links')).status).toBe(503);
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await fx.api('GET', '/ds/login/links')).status).toBe(200);
  });

  it('refuses an invalid fault with 400', async () => {
    const res = await control('POST', '/faults', { endpoint: 'sometimes', status: 500 });
    expect(res.status).toBe(400);
    expect((await bodyOf(res)).error.message).toContain('endpoint');
  });

  it('is not itself hit by an "any" fault', async () => {
    await control('POST', '/faults', { endpoint: 'any', times: 10, drop: true });
    expect((await control('DELETE', '/faults')).status).toBe(204);
    expect((await fx.api('GET', '/ds/login/links')).status).toBe(200);
  });

  it('authenticates a link over HTTP and returns the redirect', async () => {
    const link = await fx.createLink({ redirect_url: 'https://app.example/cb?state=s' });
    const res = await control('POST', `/links/${link.link_id}/authenticate`, {
      username: 'me@example.com',
    });
    expect(res.status).toBe(200);
    const { redirect_url } = await bodyOf(res);
    const url = new URL(redirect_url);
    expect(url.searchParams.get('state')).toBe('s');
    expect(url.searchParams.get('link_id')).toBe(link.link_id);
    expect(url.searchParams.get('link_verifier')).toBe(link.redirect_verifier);
    expect(fx.sim.getLink(link.link_id)).toMatchObject({
      status_code: 'CLOSED',
      login_username: 'me@example.com',
    });

    const again = await control('POST', `/links/${link.link_id}/authenticate`, {});
    expect(again.status).toBe(409);
    expect((await control('POST', '/links/dsll_unknown/authenticate', {})).status).toBe(404);
  });

  it('starts an attempt over HTTP that still authenticates after the link was closed', async () => {
    const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
    const started = await control('POST', `/links/${link.link_id}/attempts`);
    expect(started.status).toBe(201);
    const { attempt_id } = await bodyOf(started);
    expect(attempt_id).toMatch(/^[A-Za-z0-9_-]+$/);
    await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);

    expect((await control('POST', `/links/${link.link_id}/authenticate`, {})).status).toBe(409);
    const unknown = await control('POST', `/links/${link.link_id}/authenticate`, {
      attempt_id: 'made-up',
    });
    expect(unknown.status).toBe(404);
    const res = await control('POST', `/links/${link.link_id}/authenticate`, {
      attempt_id,
      username: 'late@example.com',
    });
    expect(res.status).toBe(200);
    const url = new URL((await bodyOf(res)).redirect_url);
    expect(url.searchParams.get('link_verifier')).toBe(link.redirect_verifier);
    expect(fx.sim.getLink(link.link_id)).toMatchObject({
      status_code: 'CLOSED',
      login_username: 'late@example.com',
    });
    expect((await control('POST', `/links/${link.link_id}/attempts`)).status).toBe(409);
    expect((await control('POST', '/links/dsll_unknown/attempts')).status).toBe(404);
  });

  it('passes loginVisibleAfterReads through', async () => {
    const link = await fx.createLink();
    await control('POST', `/links/${link.link_id}/authenticate`, { loginVisibleAfterReads: 1 });
    const first = (await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`))).data;
    const second = (await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`))).data;
    expect([first.login_id, typeof second.login_id]).toEqual([null, 'string']);
  });

  it('reads and forces link state', async () => {
    const link = await fx.createLink();
    expect(await bodyOf(await control('GET', `/links/${link.link_id}`))).toEqual(link);
    expect(
      (await control('PATCH', `/links/${link.link_id}`, { status_code: 'EXPIRED' })).status,
    ).toBe(204);
    expect(fx.sim.getLink(link.link_id)?.status_code).toBe('EXPIRED');
    expect((await control('GET', '/links/dsll_unknown')).status).toBe(404);
  });

  it('records every request in order, with endpoint, raw path, clock time and headers', async () => {
    const link = await fx.createLink();
    fx.clock.advance(1000);
    await fx.api('GET', `/ds/login/link/${link.link_id}?x=1`, undefined, { 'x-request-id': 'abc' });
    await fx.api('GET', '/ds/login/links');
    await fx.api('PATCH', `/ds/login/link/${link.link_id}`, { description: 'd' });
    await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);
    await fetch(link.login_url);
    await fx.api('GET', '/nowhere');
    await control('GET', '/requests');

    expect(fx.sim.requests.map((r) => [r.endpoint, r.method])).toEqual([
      ['create', 'POST'],
      ['get', 'GET'],
      ['list', 'GET'],
      ['update', 'PATCH'],
      ['close', 'PUT'],
      ['login', 'GET'],
      ['other', 'GET'],
      ['other', 'GET'],
    ]);
    const get = fx.sim.requests[1]!;
    expect(get.path).toBe(`/enterprise/v2/ds/login/link/${link.link_id}?x=1`);
    expect(get.time).toBe(T0 + 1000);
    expect(get.headers['x-request-id']).toBe('abc');
    expect(fx.sim.requests[0]!.time).toBe(T0);

    const overHttp = await bodyOf(await control('GET', '/requests'));
    expect(overHttp).toHaveLength(9);
    expect(overHttp[5]).toMatchObject({ endpoint: 'login', method: 'GET' });
  });

  it('counts requests per endpoint, so a test can tell list reads from single-link reads', async () => {
    const a = await fx.createLink();
    const b = await fx.createLink();
    await fx.api('GET', '/ds/login/links');
    await fx.api('GET', `/ds/login/link/${a.link_id}`);
    await fx.api('GET', `/ds/login/link/${b.link_id}`);
    await fx.api('GET', `/ds/login/link/${a.link_id}`, undefined, { authorization: 'Bearer no' });
    await fx.api('PUT', `/ds/login/link/${b.link_id}/close`);
    await fetch(a.login_url);

    expect(fx.sim.requestCounts()).toEqual({
      list: 1,
      get: 3,
      create: 2,
      update: 0,
      close: 1,
      login: 1,
      other: 0,
    });
    const reads = fx.sim.requests.filter((r) => r.endpoint === 'get').map((r) => r.linkId);
    expect(reads).toEqual([a.link_id, b.link_id, a.link_id]);
    expect(fx.sim.requests.filter((r) => r.linkId === null).map((r) => r.endpoint)).toEqual([
      'create',
      'create',
      'list',
      'login',
    ]);
  });

  it('keeps counting when the log array is emptied in place, and clearRequests resets both', async () => {
    await fx.api('GET', '/ds/login/links');
    fx.sim.requests.length = 0;
    await fx.api('GET', '/ds/login/links');
    expect(fx.sim.requests).toHaveLength(1);
    expect(fx.sim.requestCounts().list).toBe(2);

    const log = fx.sim.requests;
    fx.sim.clearRequests();
    expect(log).toHaveLength(0);
    expect(Object.values(fx.sim.requestCounts())).toEqual([0, 0, 0, 0, 0, 0, 0]);
    await fx.api('GET', '/ds/login/link/dsll_x');
    expect(log).toEqual([expect.objectContaining({ endpoint: 'get', linkId: 'dsll_x' })]);
  });

  it('reads and clears the counts over HTTP', async () => {
    await fx.api('GET', '/ds/login/links');
    await fx.api('GET', '/ds/login/link/dsll_x');
    const counts = await bodyOf(await control('GET', '/requests/counts'));
    expect(counts).toMatchObject({ list: 1, get: 1, create: 0 });
    expect((await control('DELETE', '/requests')).status).toBe(204);
    expect(fx.sim.requests).toEqual([]);
    expect(fx.sim.requestCounts()).toMatchObject({ list: 0, get: 0, other: 0 });
  });

  it('records requests that a fault dropped', async () => {
    fx.sim.faults.inject({ endpoint: 'list', drop: true });
    await fx.api('GET', '/ds/login/links').catch(() => undefined);
    expect(fx.sim.requests).toEqual([
      expect.objectContaining({ endpoint: 'list', path: '/enterprise/v2/ds/login/links' }),
    ]);
  });
});
