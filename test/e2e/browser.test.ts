// Onboardings in headless Chromium on the sandbox: login_url or a start link, the simulator's page, the
// result page; and the waiting page at the link limit, which gets the customer through by itself.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { Agent, request } from 'undici';
import { startSandboxService, type SandboxService } from '../../src/sandbox/sandbox-service';
import { captureLog } from '../helpers/log-capture';
import { createTestRedisStore, type TestRedisStore } from '../helpers/redis-store';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const describeWithBrowser = haveChromium ? describe : describe.skip;
const title = haveChromium
  ? 'end to end in headless Chromium'
  : `end to end in headless Chromium (SKIPPED: no Chromium at ${CHROMIUM}; apt-get install chromium, or set CHROMIUM_PATH)`;

describeWithBrowser(title, () => {
  let browser: Browser;
  let service: SandboxService;
  let redis: TestRedisStore;
  let dispatcher: Agent;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    redis = createTestRedisStore();
    service = await startSandboxService({
      logger: captureLog().logger,
      redis: { connection: redis.redis, prefix: redis.prefix },
    });
    dispatcher = new Agent({ connect: { ca: service.certificate } });
  });
  afterEach(async () => {
    await dispatcher.close();
    await service.close();
    await redis.cleanup();
  });

  it('goes from login_url through the simulator page to the result page, completing the onboarding', async () => {
    const auth = { authorization: `Bearer ${service.apiKey}`, 'content-type': 'application/json' };
    const created = await request(`${service.url}/v1/onboardings`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ ds_id: 'AW' }),
      dispatcher,
    });
    expect(created.statusCode).toBe(201);
    const onboarding = (
      (await created.body.json()) as { data: { onboarding_id: string; login_url: string } }
    ).data;

    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(onboarding.login_url);
    await page.getByLabel('Username').fill('browser@example.com');
    await Promise.all([
      page.waitForURL(`${service.url}/callback?**`),
      page.getByRole('button', { name: 'Authenticate' }).click(),
    ]);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Your Google Ads account is connected',
    );
    expect(await page.locator('script').count()).toBe(0);
    await context.close();

    const read = await request(`${service.url}/v1/onboardings/${onboarding.onboarding_id}`, {
      headers: auth,
      dispatcher,
    });
    const final = ((await read.body.json()) as { data: Record<string, unknown> }).data;
    expect(final).toMatchObject({
      status: 'completed',
      login_username: 'browser@example.com',
      completed_via: 'callback',
    });
  }, 60000);

  async function api(path: string, body?: unknown): Promise<Record<string, unknown>> {
    const auth = { authorization: `Bearer ${service.apiKey}`, 'content-type': 'application/json' };
    const res = await request(`${service.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: auth,
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher,
    });
    return ((await res.body.json()) as { data: Record<string, unknown> }).data;
  }

  it('opens an invitation through its start link: Continue, the simulator page, connected', async () => {
    const invitation = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(String(invitation.start_url));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Connect your Google Analytics account',
    );
    // The Continue POST is answered by a 303 to the simulator: the page's CSP form-action allows it.
    await Promise.all([
      page.waitForURL(`${service.upstream.url}/datasource/login/**`),
      page.getByRole('button', { name: 'Continue' }).click(),
    ]);
    await Promise.all([
      page.waitForURL(`${service.url}/callback?**`),
      page.getByRole('button', { name: 'Authenticate' }).click(),
    ]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Your Google Analytics account is connected',
    );
    await context.close();
    expect(await api(`/v1/onboardings/${String(invitation.onboarding_id)}`)).toMatchObject({
      status: 'completed',
      completed_via: 'callback',
    });
  }, 60000);

  it('meets the waiting page at the link limit and passes it by itself once a slot is free', async () => {
    // Five links created now hold the team's five slots (and are never recycled: their customers
    // may come any time before they expire).
    const holders = [];
    for (let i = 0; i < 5; i++) holders.push(await api('/v1/onboardings', { ds_id: 'AW' }));
    const invitation = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(String(invitation.start_url));
    const waiting = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect((await waiting).status()).toBe(503);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Please wait a moment',
    );

    // The customer does nothing: a slot frees up and the page's own retry takes them through.
    await api(`/v1/onboardings/${String(holders[0]!.onboarding_id)}/cancel`, {});
    await page.waitForURL(`${service.upstream.url}/datasource/login/**`, { timeout: 20000 });
    expect(await page.getByRole('button', { name: 'Authenticate' }).count()).toBe(1);
    await context.close();
  }, 60000);
});
