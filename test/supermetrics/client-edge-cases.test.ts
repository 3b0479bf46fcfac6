// Edge cases no server produces on demand, driven through undici's MockAgent.
import { errors, MockAgent } from 'undici';
import { createSupermetricsClient } from '../../src/supermetrics/client';
import type { SupermetricsClient } from '../../src/supermetrics/types';
import { CREATE_INPUT, rejectionOf } from './harness';

const ORIGIN = 'https://api.supermetrics.test';
const LINK = {
  link_id: 'dsll_1',
  status_code: 'OPEN',
  description: 'Onboarding acme',
  ds_id: 'GA',
  ds_name: 'Google Analytics',
  require_username: '',
  redirect_url: CREATE_INPUT.redirect_url,
  redirect_verifier: 'verifier',
  user_id: 'usr_1',
  user_email: 'a@example.com',
  login_url: 'https://example.com/login',
  created_time: '2025-01-01T00:00:00+00:00',
  expiry_time: '2025-01-02T00:00:00+00:00',
  login_id: null,
  login_time: null,
  login_username: null,
};

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });
}

describe('Supermetrics client: edge cases', () => {
  let agent: MockAgent;
  let client: SupermetricsClient;
  let delays: number[];

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    delays = [];
    client = createSupermetricsClient({
      baseUrl: `${ORIGIN}/enterprise/v2`,
      apiKey: 'k',
      dispatcher: agent,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
  });

  afterEach(async () => {
    await client.close();
    await agent.close();
  });

  const pool = () => agent.get(ORIGIN);
  const createRoute = { path: '/enterprise/v2/ds/login/link', method: 'POST' };

  it('retries a POST refused before the connection opened, and creates exactly one link', async () => {
    pool().intercept(createRoute).replyWithError(refused());
    pool()
      .intercept(createRoute)
      .reply(201, { meta: { request_id: 'r1' }, data: LINK });

    const result = await client.createLink(CREATE_INPUT);

    expect(result.data.link_id).toBe('dsll_1');
    expect(delays).toEqual([100]);
    agent.assertNoPendingInterceptors();
  });

  it('retries a POST whose connect timed out', async () => {
    pool().intercept(createRoute).replyWithError(new errors.ConnectTimeoutError());
    pool()
      .intercept(createRoute)
      .reply(201, { meta: { request_id: 'r1' }, data: LINK });

    await expect(client.createLink(CREATE_INPUT)).resolves.toMatchObject({ requestId: 'r1' });
  });

  it('does not retry a POST reset on an open connection', async () => {
    pool()
      .intercept(createRoute)
      .replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));

    const err = await rejectionOf(client.createLink(CREATE_INPUT));

    expect(err).toMatchObject({ kind: 'network', code: 'NETWORK_ERROR', attempts: 1 });
  });

  it('maps a body timeout to TIMEOUT and retries the GET', async () => {
    const route = { path: '/enterprise/v2/ds/login/link/dsll_1', method: 'GET' };
    pool().intercept(route).replyWithError(new errors.BodyTimeoutError());
    pool()
      .intercept(route)
      .reply(200, { meta: { request_id: 'r2' }, data: LINK });

    await expect(client.getLink('dsll_1')).resolves.toMatchObject({ requestId: 'r2' });
  });

  it('reports a body timeout on the last attempt as TIMEOUT', async () => {
    const route = { path: '/enterprise/v2/ds/login/links', method: 'GET' };
    pool().intercept(route).replyWithError(new errors.BodyTimeoutError()).times(3);

    await expect(client.listLinks()).rejects.toMatchObject({
      kind: 'timeout',
      code: 'TIMEOUT',
      attempts: 3,
    });
  });

  it('does not retry when the caller aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    pool().intercept({ path: '/enterprise/v2/ds/login/links', method: 'GET' }).reply(200, {});

    const err = await rejectionOf(client.listLinks({ signal: controller.signal }));

    expect(err).toMatchObject({ kind: 'network', code: 'ABORTED', attempts: 1 });
    expect(delays).toEqual([]);
  });

  it('stops retrying when the caller aborts during the wait', async () => {
    const controller = new AbortController();
    const aborting = createSupermetricsClient({
      baseUrl: `${ORIGIN}/enterprise/v2`,
      apiKey: 'k',
      dispatcher: agent,
      sleep: async () => controller.abort(),
    });
    pool().intercept({ path: '/enterprise/v2/ds/login/links', method: 'GET' }).reply(503, 'x');

    const err = await rejectionOf(aborting.listLinks({ signal: controller.signal }));

    expect(err).toMatchObject({ code: 'ABORTED', attempts: 1 });
  });

  it('encodes the link id into the path even though the pattern already limits it', async () => {
    pool()
      .intercept({ path: '/enterprise/v2/ds/login/link/dsll_1-A/close', method: 'PUT' })
      .reply(200, { meta: { request_id: 'r3' }, data: { ...LINK, status_code: 'CLOSED' } });

    await expect(client.closeLink('dsll_1-A')).resolves.toMatchObject({
      data: { status_code: 'CLOSED' },
    });
  });

  it('leaves an injected dispatcher open on close()', async () => {
    await client.close();
    pool()
      .intercept({ path: '/enterprise/v2/ds/login/links', method: 'GET' })
      .reply(200, { meta: { request_id: 'r4' }, data: [] });

    await expect(client.listLinks()).resolves.toMatchObject({ data: [] });
  });
});

describe('Supermetrics client: its own pool', () => {
  it('closes the default pool once, however often close() is called', async () => {
    const client = createSupermetricsClient({ baseUrl: `${ORIGIN}/enterprise/v2`, apiKey: 'k' });

    await Promise.all([client.close(), client.close()]);
    await client.close();

    const err = await rejectionOf(client.listLinks());
    expect(err).toMatchObject({ kind: 'network', code: 'NETWORK_ERROR', attempts: 1 });
    expect(String(err.message)).toMatch(/UND_ERR_(CLOSED|DESTROYED)/);
  });
});
