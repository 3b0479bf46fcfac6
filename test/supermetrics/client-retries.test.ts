// Retries against the simulator: which calls retry, the waits requested, and POST never repeating.
import { createSimulator } from '../../src/simulator';
import { createSupermetricsClient } from '../../src/supermetrics/client';
import { API_KEY, CREATE_INPUT, rejectionOf, startHarness, type Harness } from './harness';

const UNAVAILABLE = {
  meta: { request_id: 'req503' },
  error: { code: 'SERVICE_UNAVAILABLE', message: 'Try again later.' },
};

describe('Supermetrics client: retries', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(() => h.close());

  it('retries a GET after a 500 and returns the same result as an untroubled call', async () => {
    const created = await h.client.createLink(CREATE_INPUT);
    const untroubled = await h.client.getLink(created.data.link_id);
    h.simulator.faults.inject({ endpoint: 'get', status: 500 });

    const retried = await h.client.getLink(created.data.link_id);

    expect(retried.data).toEqual(untroubled.data);
    expect(h.received('get')).toBe(3);
    // random() = 0.5 against base 200: half of the first backoff ceiling.
    expect(h.delays).toEqual([100]);
  });

  it('retries a PATCH after 503s, waiting at least Retry-After each time', async () => {
    const created = await h.client.createLink(CREATE_INPUT);
    h.simulator.faults.inject({
      endpoint: 'update',
      times: 2,
      status: 503,
      body: UNAVAILABLE,
      headers: { 'Retry-After': '2' },
    });

    const result = await h.client.updateLinkDescription(created.data.link_id, 'After outage');

    expect(result.data.description).toBe('After outage');
    expect(h.delays).toEqual([2000, 2000]);
    expect(h.received('update')).toBe(3);
  });

  it('retries a PUT close after a 429, honouring Retry-After as an HTTP date', async () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const client = h.clientWith({ clock: { now: () => now } });
    const created = await client.createLink(CREATE_INPUT);
    h.simulator.faults.inject({
      endpoint: 'close',
      status: 429,
      body: {
        meta: { request_id: 'r429' },
        error: { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded. Retry later.' },
      },
      headers: { 'Retry-After': new Date(now + 3000).toUTCString() },
    });

    const result = await client.closeLink(created.data.link_id);

    expect(result.data.status_code).toBe('CLOSED');
    expect(h.delays).toEqual([3000]);
  });

  it('keeps the exponential backoff when it is longer than Retry-After', async () => {
    h.simulator.faults.inject({
      endpoint: 'list',
      times: 2,
      status: 503,
      headers: { 'Retry-After': '0' },
    });
    const client = h.clientWith({ random: () => 0.99 });

    await client.listLinks();

    expect(h.delays).toEqual([198, 396]);
  });

  it('retries a GET whose connection was dropped', async () => {
    h.simulator.faults.inject({ endpoint: 'list', drop: true });

    const result = await h.client.listLinks();

    expect(result.data).toEqual([]);
    expect(h.exchanges.map((e) => e.status)).toEqual([null, 200]);
  });

  it('gives up after maxAttempts with the attempt count and the last answer', async () => {
    h.simulator.faults.inject({ endpoint: 'list', times: 10, status: 503, body: UNAVAILABLE });

    const err = await rejectionOf(h.client.listLinks());

    expect(err).toMatchObject({
      kind: 'api',
      code: 'SERVICE_UNAVAILABLE',
      status: 503,
      requestId: 'req503',
      attempts: 3,
    });
    expect(h.received('list')).toBe(3);
    expect(h.delays).toEqual([100, 200]);
  });

  it('honours a custom maxAttempts', async () => {
    const client = h.clientWith({ retry: { maxAttempts: 5 } });
    h.simulator.faults.inject({ endpoint: 'list', times: 10, status: 500 });

    await expect(client.listLinks()).rejects.toMatchObject({ attempts: 5 });
    expect(h.delays).toEqual([100, 200, 400, 800]);
  });

  it('fails at once when Retry-After is longer than maxRetryAfterMs', async () => {
    h.simulator.faults.inject({
      endpoint: 'get',
      times: 3,
      status: 429,
      body: UNAVAILABLE,
      headers: { 'Retry-After': '31' },
    });

    const err = await rejectionOf(h.client.getLink('dsll_1'));

    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 31, attempts: 1 });
    expect(h.delays).toEqual([]);
    expect(h.received('get')).toBe(1);
  });

  it('fails at once when the real hourly budget is spent', async () => {
    const simulator = createSimulator({ apiKey: API_KEY, hourlyBudget: 1 });
    const running = await simulator.listen(0);
    const delays: number[] = [];
    const client = createSupermetricsClient({
      baseUrl: running.apiUrl,
      apiKey: API_KEY,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    try {
      const first = await client.listLinks();
      const err = await rejectionOf(client.listLinks());

      expect(first.rateLimit).toEqual({ limit: 1, remaining: 0 });
      expect(err).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 429, attempts: 1 });
      expect(err.retryAfterSeconds).toBeGreaterThan(3000);
      expect(delays).toEqual([]);
    } finally {
      await client.close();
      await running.close();
    }
  });

  it('never retries 4xx other than 429', async () => {
    const err = await rejectionOf(h.client.getLink('dsll_missing'));

    expect(err).toMatchObject({ code: 'LINK_NOT_FOUND', attempts: 1 });
    expect(h.received('get')).toBe(1);
  });

  describe('create (POST) is never repeated once it may have arrived', () => {
    it.each([
      ['a 500', { status: 500, body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'x' } } }],
      [
        'a 503 with Retry-After',
        { status: 503, body: UNAVAILABLE, headers: { 'Retry-After': '1' } },
      ],
      ['a 429', { status: 429, body: UNAVAILABLE, headers: { 'Retry-After': '1' } }],
      ['a dropped connection', { drop: true }],
    ])('fails after %s with exactly one POST received', async (_name, fault) => {
      h.simulator.faults.inject({ endpoint: 'create', times: 3, ...fault });

      const err = await rejectionOf(h.client.createLink(CREATE_INPUT));

      expect(err.attempts).toBe(1);
      expect(h.received('create')).toBe(1);
      expect(h.delays).toEqual([]);
    });

    it('reports a dropped POST as a network error', async () => {
      h.simulator.faults.inject({ endpoint: 'create', drop: true });

      await expect(h.client.createLink(CREATE_INPUT)).rejects.toMatchObject({
        kind: 'network',
        code: 'NETWORK_ERROR',
        status: null,
      });
    });
  });
});

describe('Supermetrics client: nothing listening', () => {
  async function closedPortUrl(): Promise<string> {
    const running = await createSimulator().listen(0);
    await running.close();
    return running.apiUrl;
  }

  it('retries a POST whose connection was refused, since nothing can have been sent', async () => {
    const delays: number[] = [];
    const client = createSupermetricsClient({
      baseUrl: await closedPortUrl(),
      apiKey: API_KEY,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
    try {
      const err = await rejectionOf(client.createLink(CREATE_INPUT));

      expect(err).toMatchObject({
        kind: 'network',
        code: 'NETWORK_ERROR',
        status: null,
        attempts: 3,
      });
      expect(String(err.message)).toContain('ECONNREFUSED');
      expect(delays).toEqual([100, 200]);
    } finally {
      await client.close();
    }
  });
});
