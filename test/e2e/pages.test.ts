// Every end-customer page in headless Chromium, in English and Finnish, with a brand: the heading in the
// browser's language, <html lang>, no script but the waiting page's, visible keyboard focus, no serious or
// critical axe-core violation; each page's screenshot goes to test/e2e/screenshots/ (git-ignored).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { CATALOGUES, type Catalogue, type Language } from '../../src/pages/i18n';
import { startSandboxService, type SandboxService } from '../../src/sandbox/sandbox-service';
import { captureLog } from '../helpers/log-capture';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const describeWithBrowser = haveChromium ? describe : describe.skip;
const title = haveChromium
  ? 'end-customer pages in headless Chromium'
  : `end-customer pages in headless Chromium (SKIPPED: no Chromium at ${CHROMIUM}; apt-get install chromium, or set CHROMIUM_PATH)`;

const SCREENSHOTS = join(__dirname, 'screenshots');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** A light accent: the pages must darken it where it is text, and put black text on its buttons. */
const BRAND = { name: 'Acme Reports', color: '#ffcc00' };

/** The browser's getComputedStyle, as far as these checks read it (the DOM types are not loaded here). */
type ComputedStyleOf = (element: unknown) => { outlineStyle: string; outlineWidth: string };

interface Violation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page. It is injected through the DevTools protocol,
 * which the page's CSP (scripts by hash only) does not govern.
 */
async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as Violation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describeWithBrowser(title, () => {
  let browser: Browser;
  let service: SandboxService;
  let dispatcher: Agent;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 60000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    service = await startSandboxService({ logger: captureLog().logger, brand: BRAND });
    dispatcher = new Agent({ connect: { ca: service.certificate } });
  });
  afterEach(async () => {
    await dispatcher.close();
    await service.close();
  });

  async function api(path: string, body?: unknown): Promise<Record<string, string>> {
    const res = await request(`${service.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${service.apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher,
    });
    const answer = (await res.body.json()) as { data?: Record<string, string> };
    return { ...answer.data, status_code: String(res.statusCode) };
  }

  /** The callback address the simulator sends the browser to once the link is authenticated. */
  function authenticate(linkId: string): string {
    return service.simulator.authenticate(linkId).redirectUrl!;
  }

  /** Checks the page shown now: heading, language, scripts, axe; then takes its screenshot. */
  async function checkPage(
    page: Page,
    lang: Language,
    name: string,
    heading: string,
    scripts = 0,
  ): Promise<void> {
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await page.locator('header').textContent()).toBe(BRAND.name);
    expect(await page.locator('script').count()).toBe(scripts);
    expect({ page: name, violations: await seriousViolations(page) }).toEqual({
      page: name,
      violations: [],
    });
    await page.screenshot({ path: join(SCREENSHOTS, `${lang}-${name}.png`), fullPage: true });
  }

  /** Tab once: the page's control gets a visible 3 px focus ring. */
  async function expectVisibleFocus(page: Page, lang: Language, name: string, role: string) {
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.evaluate((e) => e.tagName.toLowerCase())).toBe(role);
    const ring = await focused.evaluate((e) => {
      const style = (
        globalThis as unknown as { getComputedStyle: ComputedStyleOf }
      ).getComputedStyle(e);
      return [style.outlineStyle, style.outlineWidth];
    });
    expect(ring).toEqual(['solid', '3px']);
    await page.screenshot({ path: join(SCREENSHOTS, `${lang}-${name}-focused.png`) });
  }

  async function showEveryPage(lang: Language, t: Catalogue): Promise<void> {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      locale: lang === 'fi' ? 'fi-FI' : 'en-US',
      viewport: { width: 800, height: 640 },
    });
    const page = await context.newPage();
    const ds = 'Google Analytics';

    // The start page of an invitation, and its Continue button reached by keyboard.
    const invitation = await api('/v1/onboardings', {
      ds_id: 'GA',
      create_link: 'on_open',
      description: 'Monthly traffic report for Acme Reports',
    });
    await page.goto(invitation.start_url!);
    await checkPage(page, lang, 'start', t.start.heading(ds, BRAND.name));
    await expectVisibleFocus(page, lang, 'start', 'button');

    // A failed callback (a forged verifier) offers Try again, which leads back to the start page.
    const onboarding = await api('/v1/onboardings', { ds_id: 'GA' });
    const callback = new URL(authenticate(onboarding.link_id!));
    const forged = new URL(callback);
    forged.searchParams.set('link_verifier', 'forged-verifier');
    await page.goto(forged.href);
    await checkPage(page, lang, 'failure', t.failure.heading);
    await expectVisibleFocus(page, lang, 'failure', 'a');
    await page.getByRole('link', { name: t.failure.tryAgain }).click();
    expect(page.url()).toBe(onboarding.start_url);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      t.start.heading(ds, BRAND.name),
    );

    // The real callback: connected.
    await page.goto(callback.href);
    await checkPage(page, lang, 'success', t.success.heading(ds, BRAND.name));

    // The upstream down: the connection is being confirmed.
    const pending = await api('/v1/onboardings', { ds_id: 'GA' });
    const pendingCallback = authenticate(pending.link_id!);
    service.simulator.faults.inject({ endpoint: 'get', times: 10, status: 503, body: 'down' });
    await page.goto(pendingCallback);
    service.simulator.faults.clear();
    await checkPage(page, lang, 'processing', t.processing.heading);

    // An unknown start link, and one whose invitation was withdrawn.
    await page.goto(`${service.url}/start/onb_unknown0123456789.${'A'.repeat(32)}`);
    await checkPage(page, lang, 'unknown', t.unknownLink.heading);
    const withdrawn = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    await api(`/v1/onboardings/${withdrawn.onboarding_id}/cancel`, {});
    await page.goto(withdrawn.start_url!);
    await checkPage(page, lang, 'ended', t.ended.heading);

    // The upstream refuses to make the invitation's link.
    const refused = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    await page.goto(refused.start_url!);
    service.simulator.faults.inject({
      endpoint: 'create',
      status: 400,
      body: { error: { code: 'INVALID_DS_ID', message: 'Unknown data source' } },
    });
    await page.getByRole('button', { name: t.start.continue }).click();
    await checkPage(page, lang, 'refused', t.refused.heading);

    // Every slot taken: the waiting page (its one script retries by itself).
    for (let i = 0; i < 6; i++)
      if ((await api('/v1/onboardings', { ds_id: 'AW' })).status_code === '403') break;
    const waiting = await api('/v1/onboardings', { ds_id: 'GA', create_link: 'on_open' });
    await page.goto(waiting.start_url!);
    await page.getByRole('button', { name: t.start.continue }).click();
    await checkPage(page, lang, 'waiting', t.waiting.heading, 1);
    await context.close();
  }

  it('shows every page in English, accessible, with the brand', async () => {
    await showEveryPage('en', CATALOGUES.en);
  }, 60000);

  it('shows every page in Finnish when the browser asks for it, accessible, with the brand', async () => {
    await showEveryPage('fi', CATALOGUES.fi);
  }, 60000);
});
