// How upstream failures surface: both error shapes, malformed bodies, timeouts and bad link ids.
import { SupermetricsError } from '../../src/supermetrics/errors';
import { API_KEY, CREATE_INPUT, rejectionOf, startHarness, type Harness } from './harness';

const VALID_LINK = {
  link_id: 'dsll_x',
  status_code: 'OPEN',
  description: '',
  ds_id: 'GA',
  ds_name: 'Google Analytics',
  require_username: '',
  redirect_url: '',
  redirect_verifier: '',
  user_id: 'usr_1',
  user_email: 'a@example.com',
  login_url: 'https://example.com/login',
  created_time: '2025-01-01T00:00:00+00:00',
  expiry_time: '2025-01-02T00:00:00+00:00',
  login_id: null,
  login_time: null,
  login_username: null,
};

describe('Supermetrics client: errors', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(() => h.close());

  describe('upstream error bodies', () => {
    it('turns a 401 envelope into an api error with the upstream request id', async () => {
      const client = h.clientWith({ apiKey: 'wrong-key' });

      const err = await rejectionOf(client.listLinks());

      expect(err).toBeInstanceOf(SupermetricsError);
      expect(err).toMatchObject({
        kind: 'api',
        code: 'UNAUTHORIZED',
        status: 401,
        requestId: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
        message: 'Authentication is required.',
        attempts: 1,
      });
    });

    it('turns the sixth create into 403 LINK_LIMIT_EXCEEDED', async () => {
      for (let i = 0; i < 5; i++) await h.client.createLink(CREATE_INPUT);

      const err = await rejectionOf(h.client.createLink(CREATE_INPUT));

      expect(err).toMatchObject({
        kind: 'api',
        code: 'LINK_LIMIT_EXCEEDED',
        status: 403,
        attempts: 1,
      });
      expect(h.received('create')).toBe(6);
    });

    it('reads the flat 404 body of an unknown link', async () => {
      const err = await rejectionOf(h.client.getLink('dsll_nope'));

      expect(err).toMatchObject({
        kind: 'api',
        code: 'LINK_NOT_FOUND',
        status: 404,
        requestId: null,
        message: expect.stringContaining('not found'),
        attempts: 1,
      });
    });

    it('reads a 422 envelope with its description', async () => {
      const err = await rejectionOf(
        h.client.createLink({ ...CREATE_INPUT, redirect_url: 'http://insecure.example.com/cb' }),
      );

      expect(err).toMatchObject({
        kind: 'api',
        code: 'UNPROCESSABLE_ENTITY',
        status: 422,
        description: 'redirect_url must use HTTPS.',
        attempts: 1,
      });
    });

    it('reports 500 LINK_UPDATE_FAILED after retrying the update', async () => {
      const created = await h.client.createLink(CREATE_INPUT);
      h.simulator.faults.inject({
        endpoint: 'update',
        times: 3,
        status: 500,
        body: {
          meta: { request_id: 'req500' },
          error: {
            code: 'LINK_UPDATE_FAILED',
            message: 'Failed to update data source login link.',
          },
        },
      });

      const err = await rejectionOf(h.client.updateLinkDescription(created.data.link_id, 'x'));

      expect(err).toMatchObject({
        kind: 'api',
        code: 'LINK_UPDATE_FAILED',
        status: 500,
        requestId: 'req500',
        attempts: 3,
        transient: true,
      });
      expect(h.received('update')).toBe(3);
    });
  });

  describe('malformed answers', () => {
    it('reports a proxy HTML 502 as malformed, without the page in the message', async () => {
      const page = `<html><body><h1>502 Bad Gateway</h1>${'padding '.repeat(200)}secret-tail</body></html>`;
      h.simulator.faults.inject({ endpoint: 'get', times: 3, status: 502, body: page });

      const err = await rejectionOf(h.client.getLink('dsll_1'));

      expect(err).toMatchObject({ kind: 'malformed', code: 'MALFORMED_RESPONSE', status: 502 });
      expect(err.attempts).toBe(3);
      expect(String(err.message)).toContain('<html><body><h1>502 Bad Gateway');
      expect(String(err.message)).not.toContain('secret-tail');
      expect(String(err.message).length).toBeLessThan(200);
    });

    it('reports truncated JSON on a 200 as malformed and does not retry it', async () => {
      h.simulator.faults.inject({
        endpoint: 'list',
        status: 200,
        body: '{"meta":{"request_id":"r',
      });

      const err = await rejectionOf(h.client.listLinks());

      expect(err).toMatchObject({
        kind: 'malformed',
        code: 'MALFORMED_RESPONSE',
        status: 200,
        attempts: 1,
      });
    });

    it('reports a 200 whose status_code is not OPEN, CLOSED or EXPIRED as malformed', async () => {
      h.simulator.faults.inject({
        endpoint: 'get',
        status: 200,
        body: { meta: { request_id: 'r1' }, data: { ...VALID_LINK, status_code: 'PENDING' } },
      });

      const err = await rejectionOf(h.client.getLink('dsll_x'));

      expect(err).toMatchObject({ kind: 'malformed', code: 'MALFORMED_RESPONSE', status: 200 });
      expect(String(err.message)).toContain('data.status_code');
      expect(String(err.message)).not.toContain('PENDING');
    });

    it('reports a 2xx body with a missing field or a wrong type as malformed', async () => {
      const { login_id: _missing, ...withoutLoginId } = VALID_LINK;
      h.simulator.faults.inject({
        endpoint: 'get',
        status: 200,
        body: { meta: { request_id: 'r1' }, data: withoutLoginId },
      });
      h.simulator.faults.inject({
        endpoint: 'get',
        status: 200,
        body: { meta: { request_id: 'r1' }, data: { ...VALID_LINK, ds_id: 42 } },
      });
      h.simulator.faults.inject({ endpoint: 'get', status: 200, body: { data: VALID_LINK } });

      for (let i = 0; i < 3; i++) {
        await expect(h.client.getLink('dsll_x')).rejects.toMatchObject({
          code: 'MALFORMED_RESPONSE',
        });
      }
    });

    it('accepts a valid body with extra fields, stripping them', async () => {
      h.simulator.faults.inject({
        endpoint: 'get',
        status: 200,
        body: { meta: { request_id: 'r1', extra: 1 }, data: { ...VALID_LINK, new_field: 'x' } },
      });

      const result = await h.client.getLink('dsll_x');

      expect(result.data).toEqual(VALID_LINK);
    });

    it('reports an unrecognised error body as malformed', async () => {
      h.simulator.faults.inject({ endpoint: 'get', status: 400, body: { oops: true } });

      await expect(h.client.getLink('dsll_x')).rejects.toMatchObject({
        kind: 'malformed',
        code: 'MALFORMED_RESPONSE',
        status: 400,
        attempts: 1,
      });
    });

    it('never puts the API key into the message when a proxy echoes the request', async () => {
      h.simulator.faults.inject({
        endpoint: 'list',
        status: 400,
        body: `<pre>GET /ds/login/links\nAuthorization: Bearer ${API_KEY}\n</pre>`,
      });

      const err = await rejectionOf(h.client.listLinks());

      expect(err.code).toBe('MALFORMED_RESPONSE');
      expect(String(err.message)).not.toContain(API_KEY);
      expect(String(err.message)).not.toContain(API_KEY.slice(0, 10));
    });
  });

  describe('timeouts', () => {
    it('times out when the headers take longer than headersMs', async () => {
      const client = h.clientWith({ timeouts: { headersMs: 100 }, retry: { maxAttempts: 1 } });
      h.simulator.faults.inject({ endpoint: 'list', delayMs: 2000, status: 200, body: '{}' });

      const err = await rejectionOf(client.listLinks());

      expect(err).toMatchObject({ kind: 'timeout', code: 'TIMEOUT', status: null, attempts: 1 });
      expect(h.exchanges.at(-1)).toMatchObject({ endpoint: 'list', status: null });
    });

    it('retries a GET that timed out, then succeeds', async () => {
      const client = h.clientWith({ timeouts: { headersMs: 100 } });
      h.simulator.faults.inject({ endpoint: 'list', delayMs: 2000, status: 200, body: '{}' });

      const result = await client.listLinks();

      expect(result.data).toEqual([]);
      expect(h.delays).toHaveLength(1);
    });

    it('does not retry a POST that timed out', async () => {
      const client = h.clientWith({ timeouts: { headersMs: 100 } });
      h.simulator.faults.inject({ endpoint: 'create', delayMs: 2000 });

      const err = await rejectionOf(client.createLink(CREATE_INPUT));

      expect(err).toMatchObject({ code: 'TIMEOUT', attempts: 1 });
      expect(h.received('create')).toBe(1);
      expect(h.delays).toEqual([]);
    });
  });

  describe('link_id guard', () => {
    const hostile = ['../x', 'a/b', '%2F', 'a%2Fb', 'x?y', 'x#y', '', 'x'.repeat(51), 'a b', 'é'];

    it.each(hostile)('refuses %j before anything is sent', async (linkId) => {
      for (const call of [
        () => h.client.getLink(linkId),
        () => h.client.updateLinkDescription(linkId, 'x'),
        () => h.client.closeLink(linkId),
      ]) {
        const err = await rejectionOf(call());
        expect(err).toBeInstanceOf(SupermetricsError);
        expect(err).toMatchObject({
          kind: 'invalid_input',
          code: 'INVALID_LINK_ID',
          status: null,
          attempts: 1,
        });
      }
      expect(h.simulator.requests).toEqual([]);
      expect(h.exchanges).toEqual([]);
    });

    it('refuses a non-string link id from untyped callers', async () => {
      await expect(h.client.getLink(42 as unknown as string)).rejects.toMatchObject({
        code: 'INVALID_LINK_ID',
      });
      expect(h.simulator.requests).toEqual([]);
    });

    it('accepts the longest valid link id', async () => {
      const err = await rejectionOf(h.client.getLink('x'.repeat(50)));

      expect(err.code).toBe('LINK_NOT_FOUND');
      expect(h.simulator.requests).toHaveLength(1);
    });
  });
});
