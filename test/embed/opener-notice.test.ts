// The result page of an SDK popup tells its opener how it ended, by postMessage to exactly the origin
// the start link was opened from (one of RETURN_URL_ORIGINS), by a script its CSP allows by hash.
import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { startHarness, type Harness } from '../helpers/service-harness';

const APP = 'https://app.example.com';

function scriptOf(html: string): string | null {
  return /<script>([^<]*)<\/script>/.exec(html)?.[1] ?? null;
}

describe('the opener notice on result pages', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** An invitation whose start link the SDK opened from `origin`; the callback the browser follows. */
  async function openedFrom(origin: string): Promise<{ id: string; callback: string }> {
    const created = await h.createOnboarding({
      ds_id: 'GA',
      create_link: 'on_open',
      return_url: `${APP}/done`,
    });
    const start = new URL(String(created.start_url)).pathname;
    await supertest(h.app).post(start).type('form').send({ origin }).expect(303);
    const link = (await h.storage.onboardings.getOnboarding(created.onboarding_id))!.links[0]!;
    return { id: created.onboarding_id, callback: h.authenticate(link.link_id) };
  }

  it('posts the completion to the allowed opener, with a CSP that allows exactly that script', async () => {
    const { id, callback } = await openedFrom(APP);
    const res = await supertest(h.app).get(callback).expect(200);

    const script = scriptOf(res.text)!;
    expect(script).toBe(
      `window.opener&&window.opener.postMessage({"type":"llr:result","status":"completed","onboarding_id":"${id}"},"${APP}");`,
    );
    const hash = createHash('sha256').update(script).digest('base64');
    expect(res.headers['content-security-policy']).toContain(`script-src 'sha256-${hash}'`);
    expect(res.headers['cross-origin-opener-policy']).toBe('unsafe-none');
  });

  it('posts a failure with its code, and nothing secret', async () => {
    const { id, callback } = await openedFrom(APP);
    const forged = callback.replace(/link_verifier=[^&]+/, 'link_verifier=forged');
    const res = await supertest(h.app).get(forged).expect(400);

    const script = scriptOf(res.text)!;
    expect(script).toContain(
      `{"type":"llr:result","status":"failed","onboarding_id":"${id}","code":"VERIFIER_MISMATCH"}`,
    );
    const state = new URLSearchParams(callback.split('?')[1]).get('state')!;
    expect(script).not.toContain(state);
    expect(script).not.toContain('forged');
  });

  it('tells nobody when the start link was opened from an origin not allowed', async () => {
    const { callback } = await openedFrom('https://evil.example');
    const res = await supertest(h.app).get(callback);

    // No SDK opener: the browser goes to return_url as without the SDK.
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^https:\/\/app\.example\.com\/done\?/);
    expect(scriptOf(res.text)).toBeNull();
  });
});
