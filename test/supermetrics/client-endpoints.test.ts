// The five calls against the simulator over real HTTP: results, wire format, headers, observation.
import { API_KEY, CREATE_INPUT, startHarness, type Harness } from './harness';

describe('Supermetrics client: the five calls', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({}, { hourlyBudget: 100 });
  });

  afterEach(() => h.close());

  it('creates a link with a redirect_url and returns it as the upstream stored it', async () => {
    const result = await h.client.createLink(CREATE_INPUT);

    expect(result.data).toEqual(h.simulator.getLink(result.data.link_id));
    expect(result.data).toMatchObject({
      status_code: 'OPEN',
      ds_id: 'GA',
      description: 'Onboarding acme',
      redirect_url: CREATE_INPUT.redirect_url,
      login_id: null,
      login_time: null,
      login_username: null,
    });
    expect(result.data.redirect_verifier).not.toBe('');
    expect(result.requestId).toMatch(/^[A-Za-z0-9_-]+$/);
    const [post] = h.simulator.requests.filter((r) => r.endpoint === 'create');
    expect(post?.method).toBe('POST');
    expect(post?.path).toBe('/enterprise/v2/ds/login/link');
    expect(post?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers.accept).toBe('application/json');
  });

  it('gets a link', async () => {
    const created = await h.client.createLink(CREATE_INPUT);

    const result = await h.client.getLink(created.data.link_id);

    expect(result.data).toEqual(created.data);
    expect(h.simulator.requests.at(-1)?.path).toBe(
      `/enterprise/v2/ds/login/link/${created.data.link_id}`,
    );
  });

  it('sees the login fields once the link was authenticated', async () => {
    const created = await h.client.createLink(CREATE_INPUT);
    h.simulator.authenticate(created.data.link_id, { username: 'ana@example.com' });

    const { data } = await h.client.getLink(created.data.link_id);

    expect(data.status_code).toBe('CLOSED');
    expect(data.login_username).toBe('ana@example.com');
    expect(data.login_id).toEqual(expect.any(String));
    expect(data.login_time).toEqual(expect.any(String));
  });

  it('lists links as summaries', async () => {
    const first = await h.client.createLink(CREATE_INPUT);
    const second = await h.client.createLink({ ds_id: 'AC', expiry_time: '2030-01-01' });

    const result = await h.client.listLinks();

    expect(result.data.map((l) => l.link_id).sort()).toEqual(
      [first.data.link_id, second.data.link_id].sort(),
    );
    expect(result.data[0]).toMatchObject({ status_code: 'OPEN', ds_id: expect.any(String) });
    expect(h.simulator.requests.at(-1)?.path).toBe('/enterprise/v2/ds/login/links');
  });

  it('updates the description', async () => {
    const created = await h.client.createLink(CREATE_INPUT);

    const result = await h.client.updateLinkDescription(created.data.link_id, 'Renamed');

    expect(result.data.description).toBe('Renamed');
    expect(h.simulator.getLink(created.data.link_id)?.description).toBe('Renamed');
    expect(h.simulator.requests.at(-1)?.method).toBe('PATCH');
  });

  it('closes a link', async () => {
    const created = await h.client.createLink(CREATE_INPUT);

    const result = await h.client.closeLink(created.data.link_id);

    expect(result.data.status_code).toBe('CLOSED');
    expect(h.simulator.getLink(created.data.link_id)?.status_code).toBe('CLOSED');
    expect(h.simulator.requests.at(-1)).toMatchObject({
      method: 'PUT',
      path: `/enterprise/v2/ds/login/link/${created.data.link_id}/close`,
    });
  });

  it('exposes the rate-limit headers in the result and to onExchange', async () => {
    const first = await h.client.listLinks();
    const second = await h.client.listLinks();

    expect(first.rateLimit).toEqual({ limit: 100, remaining: 99 });
    expect(second.rateLimit).toEqual({ limit: 100, remaining: 98 });
    expect(h.exchanges.map((e) => e.rateLimit.remaining)).toEqual([99, 98]);
  });

  it('reports null rate limits when the headers are missing or not integers', async () => {
    h.simulator.faults.inject({
      endpoint: 'list',
      status: 200,
      body: { meta: { request_id: 'r1' }, data: [] },
      headers: { 'X-RateLimit-Limit': 'lots' },
    });

    const result = await h.client.listLinks();

    expect(result).toEqual({
      data: [],
      requestId: 'r1',
      rateLimit: { limit: null, remaining: null },
    });
  });

  it('sends a valid X-Request-Id and drops one that could smuggle header content', async () => {
    await h.client.listLinks({ requestId: 'req_Abc-123' });
    await h.client.listLinks({ requestId: 'bad id\r\nx-evil: 1' });
    await h.client.listLinks({ requestId: 'x'.repeat(65) });
    await h.client.listLinks();

    const sent = h.simulator.requests.map((r) => r.headers['x-request-id']);
    expect(sent).toEqual(['req_Abc-123', undefined, undefined, undefined]);
    expect(h.simulator.requests[1]?.headers['x-evil']).toBeUndefined();
  });

  it('calls onExchange once per attempt with what happened', async () => {
    h.simulator.faults.inject({ endpoint: 'get', status: 503, headers: { 'Retry-After': '1' } });
    const created = await h.client.createLink(CREATE_INPUT);

    await h.client.getLink(created.data.link_id);

    expect(h.exchanges).toEqual([
      expect.objectContaining({ endpoint: 'create', method: 'POST', status: 201, attempt: 1 }),
      expect.objectContaining({
        endpoint: 'get',
        method: 'GET',
        status: 503,
        attempt: 1,
        retryAfterSeconds: 1,
      }),
      expect.objectContaining({
        endpoint: 'get',
        status: 200,
        attempt: 2,
        retryAfterSeconds: null,
      }),
    ]);
    for (const info of h.exchanges) expect(info.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps working when onExchange throws', async () => {
    const client = h.clientWith({
      onExchange: () => {
        throw new Error('metrics down');
      },
    });

    await expect(client.listLinks()).resolves.toMatchObject({ data: [] });
  });

  it('keeps a trailing slash on the base URL from doubling the path', async () => {
    const client = h.clientWith({ baseUrl: `${h.running.apiUrl}/` });

    await client.listLinks();

    expect(h.simulator.requests.at(-1)?.path).toBe('/enterprise/v2/ds/login/links');
  });

  it('sends the configured user agent', async () => {
    await h.clientWith({ userAgent: 'llr/1.2.3' }).listLinks();

    expect(h.simulator.requests.at(-1)?.headers['user-agent']).toBe('llr/1.2.3');
  });

  it('rejects options that cannot work, listing every problem', () => {
    expect(() =>
      h.clientWith({
        baseUrl: 'ftp://x/y?z=1',
        apiKey: '',
        retry: { maxAttempts: 0 },
        timeouts: { headersMs: -1 },
      }),
    ).toThrow(
      /baseUrl must use https.*baseUrl must not have a query.*apiKey.*headersMs.*maxAttempts/,
    );
  });
});
