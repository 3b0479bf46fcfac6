// The end-customer pages over HTTP: in the browser's language (lang, Content-Language, Vary), with the
// integrator's brand (name, colour, and a CSP that allows exactly the branded style).
import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { CATALOGUES, LANGUAGES } from '../../src/pages/i18n';
import { escapeHtml } from '../../src/pages/layout';
import { startHarness, type Harness } from '../helpers/service-harness';

function styleHashOf(html: string): string {
  const style = /<style>([^<]*)<\/style>/.exec(html)![1]!;
  return `'sha256-${createHash('sha256').update(style).digest('base64')}'`;
}

describe('end-customer pages in the browser language', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'memory' });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each(LANGUAGES)('answers a start page in %s when the browser asks for it', async (lang) => {
    const invitation = await h.createOnboarding({ ds_id: 'GA', create_link: 'on_open' });
    const res = await supertest(h.app)
      .get(new URL(String(invitation.start_url)).pathname)
      .set('Accept-Language', `${lang}-XX, en;q=0.1`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(new RegExp(`^<!doctype html><html lang="${lang}">`));
    expect(res.headers['content-language']).toBe(lang);
    expect(res.headers.vary).toMatch(/Accept-Language/);
    const heading = CATALOGUES[lang].start.heading('Google Analytics', null);
    expect(res.text).toContain(`<h1>${escapeHtml(heading)}</h1>`);
    expect(res.text).toContain(`>${escapeHtml(CATALOGUES[lang].start.continue)}</button>`);
  });

  it('answers in English when the browser asks for none of its languages', async () => {
    const res = await supertest(h.app).get('/callback').set('Accept-Language', 'sv, ja;q=0.5');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(escapeHtml(CATALOGUES.en.failure.advice.INVALID_REQUEST));
  });

  it('answers a callback failure in French, saying what to do, with the code for support', async () => {
    const res = await supertest(h.app).get('/callback').set('Accept-Language', 'fr-CA');
    expect(res.status).toBe(400);
    expect(res.headers['content-language']).toBe('fr');
    expect(res.text).toContain(
      `<h1 class="fail">${escapeHtml(CATALOGUES.fr.failure.heading)}</h1>`,
    );
    expect(res.text).toContain(escapeHtml(CATALOGUES.fr.failure.startOverHint));
    expect(res.text).toContain('<code>INVALID_REQUEST</code>');
  });

  it('answers the unknown-link page in Finnish', async () => {
    const res = await supertest(h.app)
      .get(`/start/onb_unknown0123456.${'a'.repeat(32)}`)
      .set('Accept-Language', 'fi');
    expect(res.status).toBe(404);
    expect(res.text).toContain(escapeHtml(CATALOGUES.fi.unknownLink.heading));
  });
});

describe('end-customer pages with a brand', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      store: 'memory',
      env: { BRAND_NAME: 'Acme <Reports>', BRAND_COLOR: '#FFCC00' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('names the brand, escaped, and colours the page with it, its CSP allowing that style', async () => {
    const invitation = await h.createOnboarding({ ds_id: 'GA', create_link: 'on_open' });
    const res = await supertest(h.app).get(new URL(String(invitation.start_url)).pathname);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<header>Acme &lt;Reports&gt;</header>');
    expect(res.text).toContain(
      '<h1>Connect your Google Analytics account to Acme &lt;Reports&gt;</h1>',
    );
    // The accent as the button's background, with black text on this light colour.
    expect(res.text).toMatch(/button,\.button\{[^}]*background:#ffcc00;color:#000000/);
    expect(res.headers['content-security-policy']).toContain(`style-src ${styleHashOf(res.text)}`);
  });

  it('shows the success page naming the brand', async () => {
    const onboarding = await h.createOnboarding();
    const res = await supertest(h.app)
      .get(h.authenticate(onboarding.link_id))
      .set('Accept-Language', 'de');
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      '<h1 class="ok">Ihr Konto bei Google Analytics ist mit Acme &lt;Reports&gt; verbunden</h1>',
    );
    expect(res.headers['content-security-policy']).toContain(`style-src ${styleHashOf(res.text)}`);
  });
});
