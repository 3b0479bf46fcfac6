/// <reference lib="dom" />
// The embedded flow in headless Chromium: the example integrator app's Connect button opens an invitation
// with the SDK in a popup; the result reaches the app by postMessage (opener intact) or by polling alone
// (the login page cut the opener); a blocked popup, an origin not allowed and an ended invitation fail
// with their codes, and a page on another origin learns nothing.
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { startSandboxService, type SandboxService } from '../../src/sandbox/sandbox-service';
import { startExampleApp, type ExampleApp } from '../../examples/embedded/app';
import { captureLog } from '../helpers/log-capture';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

interface Posted {
  origin: string;
  data: Record<string, unknown>;
}

describeWithBrowser('embedding with the browser SDK (headless Chromium)', () => {
  let browser: Browser;
  let service: SandboxService;
  let app: ExampleApp;
  let stranger: ExampleApp;
  let dispatcher: Agent;

  beforeAll(async () => {
    // Chromium's popup blocker stays on (Playwright turns it off by default): a popup opened
    // outside a click must be refused, as in a customer's browser.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      ignoreDefaultArgs: ['--disable-popup-blocking'],
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    const port = await freePort();
    service = await startSandboxService({
      logger: captureLog().logger,
      returnUrlOrigins: [`http://localhost:${port}`],
    });
    app = await startExampleApp(service, port);
    stranger = await startExampleApp(service, 0);
    dispatcher = new Agent({ connect: { ca: service.certificate } });
  }, 60000);
  afterAll(async () => {
    await browser?.close();
    await stranger?.close();
    await app?.close();
    await dispatcher?.close();
    await service?.close();
  });

  async function api(path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await request(`${service.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${service.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher,
    });
    return ((await res.body.json()) as { data: Record<string, unknown> }).data;
  }

  /** The app's page, recording every message posted to it. */
  async function openApp(origin: string): Promise<Page> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    await context.addInitScript(() => {
      const w = window as unknown as { posted: Posted[] };
      w.posted = [];
      window.addEventListener('message', (e) => w.posted.push({ origin: e.origin, data: e.data }));
    });
    const page = await context.newPage();
    await page.goto(origin);
    await page.getByRole('button', { name: 'Connect Google Analytics' }).isEnabled();
    await page.waitForFunction(() => !document.querySelector('button')!.disabled);
    return page;
  }

  /** The customer in the popup: Continue, then Authenticate on the simulator's page. */
  async function signInThroughPopup(page: Page): Promise<Page> {
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Connect Google Analytics' }).click(),
    ]);
    await popup.getByRole('button', { name: 'Continue' }).click();
    await popup.waitForURL(`${service.upstream.url}/datasource/login/**`);
    await popup.getByRole('button', { name: 'Authenticate' }).click();
    return popup;
  }

  const posted = (page: Page) =>
    page.evaluate(() => (window as unknown as { posted: Posted[] }).posted);

  it('connects through the popup; the result page tells the app by postMessage to its exact origin', async () => {
    service.simulator.updateSettings({ loginPageOpenerPolicy: null });
    const page = await openApp(app.origin);
    const popup = await signInThroughPopup(page);
    await popup.waitForURL(`${service.url}/callback?**`);
    await page.getByText(/^Connected \(onb_/).waitFor();

    const messages = await posted(page);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.origin).toBe(service.url);
    expect(Object.keys(messages[0]!.data).sort()).toEqual(['onboarding_id', 'status', 'type']);
    expect(messages[0]!.data).toMatchObject({ type: 'llr:result', status: 'completed' });
    await page.screenshot({ path: `${__dirname}/screenshots/embedded-example.png` });
    await page.context().close();
  }, 60000);

  it('connects by polling alone when the login page cuts the opener (Cross-Origin-Opener-Policy)', async () => {
    service.simulator.updateSettings({ loginPageOpenerPolicy: 'same-origin' });
    const page = await openApp(app.origin);
    const popup = await signInThroughPopup(page);
    await popup.waitForURL(`${service.url}/callback?**`);
    await page.getByText(/^Connected \(onb_/).waitFor({ timeout: 15000 });

    expect(await posted(page)).toEqual([]);
    service.simulator.updateSettings({ loginPageOpenerPolicy: null });
    await page.context().close();
  }, 60000);

  it('reports POPUP_BLOCKED when connect() is not called from a click', async () => {
    const page = await openApp(app.origin);
    const invitation = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    const code = await page.evaluate(
      async ([receiver, startUrl]) => {
        const { connect } = await import(`${receiver}/sdk/connect.js`);
        // Playwright's evaluate counts as a click; a first window uses that activation up, as a
        // popup opened outside a click handler would find none.
        window.open('about:blank')?.close();
        return connect(startUrl).then(
          () => 'resolved',
          (e: { code: string }) => e.code,
        );
      },
      [service.url, String(invitation.start_url)] as const,
    );
    expect(code).toBe('POPUP_BLOCKED');
    await page.context().close();
  }, 60000);

  it('tells a page on an origin not allowed nothing: no message, no status, only TIMEOUT', async () => {
    const page = await openApp(stranger.origin);
    await page.evaluate(() => {
      const w = window as unknown as { outcome: Promise<string> };
      // A short deadline for the test; the default is 30 minutes.
      w.outcome = Promise.resolve('not started');
    });
    const invitation = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    await page.evaluate(
      ([receiver, startUrl]) => {
        const button = document.querySelector('button')!;
        button.onclick = async (event) => {
          event.stopImmediatePropagation();
          const { connect } = await import(`${receiver}/sdk/connect.js`);
          (window as unknown as { outcome: Promise<string> }).outcome = connect(startUrl, {
            timeoutMs: 12000,
          }).then(
            () => 'resolved',
            (e: { code: string }) => e.code,
          );
        };
      },
      [service.url, String(invitation.start_url)] as const,
    );
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.evaluate(() => document.querySelector('button')!.click()),
    ]);
    await popup.getByRole('button', { name: 'Continue' }).click();
    await popup.getByRole('button', { name: 'Authenticate' }).click();
    await popup.waitForURL(`${service.url}/callback?**`);
    expect(await popup.locator('script').count()).toBe(0);

    const outcome = await page.evaluate(
      () => (window as unknown as { outcome: Promise<string> }).outcome,
    );
    expect(outcome).toBe('TIMEOUT');
    expect(await posted(page)).toEqual([]);
    expect(await api(`/v1/onboardings/${String(invitation.onboarding_id)}`)).toMatchObject({
      status: 'completed',
    });
    await page.context().close();
  }, 60000);

  it('fails with CANCELLED for a withdrawn invitation and EXPIRED for one past its expiry', async () => {
    const page = await openApp(app.origin);
    const cancelled = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    await api(`/v1/onboardings/${String(cancelled.onboarding_id)}/cancel`, {});
    const expired = await api('/v1/onboardings', {
      ds_id: 'GA',
      create_link: 'on_open',
      expiry_time: '2 seconds',
    });
    const codes = await page.evaluate(
      async ([receiver, first, second]) => {
        const { connect } = await import(`${receiver}/sdk/connect.js`);
        const codeOf = (url: string) =>
          new Promise<string>((resolve) => {
            const button = document.createElement('button');
            button.onclick = () =>
              connect(url).then(
                () => resolve('resolved'),
                (e: { code: string }) => resolve(e.code),
              );
            document.body.append(button);
            button.click();
          });
        return [await codeOf(first), await codeOf(second)];
      },
      [service.url, String(cancelled.start_url), String(expired.start_url)] as const,
    );
    expect(codes).toEqual(['CANCELLED', 'EXPIRED']);
    await page.context().close();
  }, 60000);
});
