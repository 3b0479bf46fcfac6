// The browser side of start links, as a mail scanner, an attacker and a busy customer meet it: GET has no
// side effect, unknown and forged tokens are one 404 page, ended and completed invitations say so, no token
// in logs, Redis or pages, no-store and no-referrer everywhere under /start, tight page CSPs, a per-address
// rate limit, and the start outcomes in /metrics.
import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { ManualClock } from '../../src/lib/clock';
import { createMetrics } from '../../src/ops/metrics';
import { captureLog, type CapturedLog } from '../helpers/log-capture';
import {
  API_KEY,
  callbackPathOf,
  SIM_KEY,
  startHarness,
  WEBHOOK_SECRET,
  type Harness,
} from '../helpers/service-harness';
import { unreachableStorage } from '../helpers/unreachable-storage';
import {
  createInvitation,
  cspDirectives,
  redisDump,
  sampleOf,
  scrape,
  secretOf,
  startPathOf,
  storedRecord,
  tokenOf,
  upstreamRequestCount,
  withoutRateLimits,
  type Invitation,
} from './helpers';

const DAY_MS = 24 * 3600 * 1000;
const UNKNOWN_PAGE = 'This link is not valid';
const ENDED_PAGE = 'This invitation has ended';

type Answer = supertest.Response;

function expectStartHeaders(res: Answer): void {
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

function expectUnknownPage(res: Answer): void {
  expect(res.status).toBe(404);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.text).toContain(UNKNOWN_PAGE);
  expect(res.text).not.toContain('<form');
  expectStartHeaders(res);
}

function expectEndedPage(res: Answer): void {
  expect(res.status).toBe(410);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.text).toContain(ENDED_PAGE);
  expect(res.text).not.toContain('<form');
  expectStartHeaders(res);
}

describe('start pages', () => {
  let h: Harness;
  let clock: ManualClock;
  let log: CapturedLog;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    log = captureLog('trace');
    h = await startHarness({ clock, log, simulator: { clock } });
  });
  afterEach(async () => {
    await h.close();
  });

  const page = (method: 'get' | 'head' | 'post', path: string) => supertest(h.app)[method](path);

  describe('GET /start/<token>', () => {
    it('names the data source and the description (escaped), with one Continue button that posts to itself', async () => {
      const invitation = await createInvitation(h, {
        description: 'Reports for <b>Acme</b> & "friends" <script>alert(1)</script>',
      });
      const path = startPathOf(invitation.start_url);

      const res = await page('get', path);

      expect(res.status).toBe(200);
      expect(res.text).toContain('Connect your Google Analytics account');
      expect(res.text).toContain(
        'Reports for &lt;b&gt;Acme&lt;/b&gt; &amp; &quot;friends&quot; &lt;script&gt;alert(1)&lt;/script&gt;',
      );
      expect(res.text).not.toContain('<script>alert(1)');
      expect(res.text.match(/<form /g)).toHaveLength(1);
      expect(res.text.match(/<button/g)).toHaveLength(1);
      expect(res.text).toContain(`<form method="post" action="${path}">`);
      expect(res.text).toContain('>Continue</button>');
    });

    it('sends nothing upstream and changes nothing in Redis, whatever 20 GETs and HEADs (a mail scanner, a chat preview) do', async () => {
      const invitation = await createInvitation(h);
      const path = startPathOf(invitation.start_url);
      const before = withoutRateLimits(await redisDump(h));
      const record = await storedRecord(h, invitation.onboarding_id);

      for (let i = 0; i < 10; i++) {
        expect((await page('get', path)).status).toBe(200);
        expect((await page('head', path)).status).toBe(200);
      }

      expect(upstreamRequestCount(h)).toBe(0);
      expect(withoutRateLimits(await redisDump(h))).toEqual(before);
      expect(await storedRecord(h, invitation.onboarding_id)).toEqual(record);
      expect((await storedRecord(h, invitation.onboarding_id)).rev).toBe(record.rev);
      expect((await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!.links).toEqual(
        [],
      );
    });

    it('leaves an upstream link made earlier as it was: no upstream read, sent time, open-link index and rev unchanged', async () => {
      const invitation = await createInvitation(h);
      const path = startPathOf(invitation.start_url);
      await page('post', path).expect(303);
      h.sim.clearRequests();
      clock.advance(90_000);
      const before = withoutRateLimits(await redisDump(h));
      const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;

      await Promise.all(
        Array.from({ length: 20 }, (_, i) => page(i % 2 ? 'head' : 'get', path).expect(200)),
      );

      expect(upstreamRequestCount(h)).toBe(0);
      expect(withoutRateLimits(await redisDump(h))).toEqual(before);
      expect(await h.storage.onboardings.getOnboarding(invitation.onboarding_id)).toEqual(stored);
      expect(h.sim.getLink(stored.links[0]!.link_id)?.status_code).toBe('OPEN');
    });
  });

  describe('answers other than the start page', () => {
    let invitation: Invitation;
    let other: Invitation;
    beforeEach(async () => {
      invitation = await createInvitation(h);
      other = await createInvitation(h);
    });

    const UNKNOWN_TOKEN = `onb_AAAAAAAAAAAAAAAAAAAAAAAA.${'A'.repeat(32)}`;
    const cases: [string, () => string][] = [
      ['an unknown onboarding', () => UNKNOWN_TOKEN],
      [
        'the right onboarding id with a forged secret',
        () => `${invitation.onboarding_id}.${'A'.repeat(32)}`,
      ],
      [
        "the right onboarding id with another onboarding's secret",
        () => `${invitation.onboarding_id}.${secretOf(other.start_url)}`,
      ],
      ['a secret one character short', () => tokenOf(invitation.start_url).slice(0, -1)],
      ['a secret one character long', () => `${tokenOf(invitation.start_url)}A`],
      ['the onboarding id alone', () => invitation.onboarding_id],
      ['an encoded path traversal', () => '..%2F..%2Fv1%2Fonboardings'],
      [
        'the token with an encoded traversal after it',
        () => `${tokenOf(invitation.start_url)}%2F..%2F..%2Fmetrics`,
      ],
      ['a long token', () => `${invitation.onboarding_id}.${'A'.repeat(5000)}`],
      ['a unicode token', () => encodeURIComponent(`onb_ÄÖÜäöüß€漢字😀.${'Ä'.repeat(32)}`)],
      ['a NUL byte', () => `${tokenOf(invitation.start_url)}%00`],
      ['a token with a trailing space', () => `${tokenOf(invitation.start_url)}%20`],
    ];

    it.each(cases)(
      'answers %s with the one 404 page, naming no secret, sending nothing upstream',
      async (_name, token) => {
        const reference = await page('get', `/start/${UNKNOWN_TOKEN}`);
        for (const method of ['get', 'post', 'head'] as const) {
          const res = await page(method, `/start/${token()}`);

          if (method === 'head') {
            expect(res.status).toBe(404);
            expectStartHeaders(res);
          } else {
            expectUnknownPage(res);
            // One page for every refusal: nothing tells an existing onboarding from an unknown one.
            expect(res.text).toBe(reference.text);
          }
          for (const secret of [secretOf(invitation.start_url), secretOf(other.start_url)])
            expect(res.text ?? '').not.toContain(secret);
          expect(JSON.stringify(res.headers)).not.toContain(secretOf(invitation.start_url));
        }
        expect(upstreamRequestCount(h)).toBe(0);
        const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
        expect(stored).toMatchObject({ status: 'pending', links: [], link_lock_until: null });
      },
    );

    it('answers a path that climbs out of /start with a 404 that reaches nothing and names no secret', async () => {
      const path = `/start/${tokenOf(invitation.start_url)}/../../v1/onboardings`;
      for (const method of ['get', 'post'] as const) {
        const res = await page(method, path).set('Authorization', `Bearer ${API_KEY}`);

        expect(res.status).toBe(404);
        expect(res.text).not.toContain(secretOf(invitation.start_url));
        expect(res.text).not.toContain(invitation.onboarding_id);
        expectStartHeaders(res);
      }
      expect(upstreamRequestCount(h)).toBe(0);
      expect(log.text()).not.toContain(secretOf(invitation.start_url));
    });

    it('shows the success page for a completed onboarding, on GET and POST, sending nothing upstream', async () => {
      await page('post', startPathOf(invitation.start_url)).expect(303);
      const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
      await page('get', h.authenticate(stored.links[0]!.link_id)).expect(200);
      h.sim.clearRequests();

      for (const method of ['get', 'post'] as const) {
        const res = await page(method, startPathOf(invitation.start_url));

        expect(res.status).toBe(200);
        expect(res.text).toContain('Your Google Analytics account is connected');
        expect(res.text).not.toContain('<form');
        expectStartHeaders(res);
      }
      expect(upstreamRequestCount(h)).toBe(0);
    });

    it('sends a POST for a completed onboarding with a return_url there, with status=completed', async () => {
      const withReturn = await createInvitation(h, {
        create_link: 'now',
        return_url: 'https://app.example.com/connected?tab=sources',
      });
      await page('get', h.authenticate(String(withReturn.link_id))).expect(303);
      h.sim.clearRequests();

      const res = await page('post', startPathOf(withReturn.start_url));

      expect(res.status).toBe(303);
      const location = new URL(res.headers.location!);
      expect(location.origin + location.pathname).toBe('https://app.example.com/connected');
      expect(Object.fromEntries(location.searchParams)).toEqual({
        tab: 'sources',
        onboarding_id: withReturn.onboarding_id,
        status: 'completed',
      });
      expectStartHeaders(res);
      expect(upstreamRequestCount(h)).toBe(0);
    });

    it('says a cancelled invitation has ended (410), on GET, HEAD and POST, sending nothing upstream', async () => {
      await h.api('post', `/v1/onboardings/${invitation.onboarding_id}/cancel`).expect(200);
      h.sim.clearRequests();

      for (const method of ['get', 'post'] as const)
        expectEndedPage(await page(method, startPathOf(invitation.start_url)));
      expect((await page('head', startPathOf(invitation.start_url))).status).toBe(410);

      expect(upstreamRequestCount(h)).toBe(0);
      const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
      expect(stored).toMatchObject({ status: 'cancelled', links: [] });
    });

    it('says an invitation past its expiry has ended (410) although it is still pending in the store, making no link', async () => {
      clock.advance(7 * DAY_MS + 1000);

      for (const method of ['get', 'post'] as const)
        expectEndedPage(await page(method, startPathOf(invitation.start_url)));

      expect(upstreamRequestCount(h)).toBe(0);
      const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
      expect(stored).toMatchObject({ status: 'pending', links: [], link_id: null });
    });

    it('says a "now" onboarding past its expiry has ended too', async () => {
      const now = await createInvitation(h, { create_link: 'now', expiry_time: '2 hours' });
      clock.advance(2 * 3600 * 1000 + 1000);
      h.sim.clearRequests();

      for (const method of ['get', 'post'] as const)
        expectEndedPage(await page(method, startPathOf(now.start_url)));
      expect(upstreamRequestCount(h)).toBe(0);
    });
  });

  describe('secrets', () => {
    it('the request log never holds a start token: every /start line is logged as /start/{token}', async () => {
      const invitation = await createInvitation(h);
      const path = startPathOf(invitation.start_url);
      const secret = secretOf(invitation.start_url);
      await page('get', path).expect(200);
      await page('head', path).expect(200);
      await page('get', `${path}?utm_source=mail&t=${secret}`).expect(200);
      await page('get', `${path}/`).expect(200);
      await page('post', path).expect(303);
      await page('post', path).expect(303);
      await page('get', `/start/${invitation.onboarding_id}.${'A'.repeat(32)}`).expect(404);
      await page('get', `/start/${tokenOf(invitation.start_url)}x`).expect(404);
      await h.api('post', `/v1/onboardings/${invitation.onboarding_id}/cancel`).expect(200);
      await page('post', path).expect(410);

      const startLines = log.lines.filter((line) =>
        String((line.req as { path?: string } | undefined)?.path).startsWith('/start'),
      );
      expect(startLines).toHaveLength(9);
      for (const line of startLines)
        expect((line.req as { path: string }).path).toMatch(/^\/start\/\{token\}\/?$/);
      expect(log.lines.length).toBeGreaterThan(startLines.length);
      for (const line of log.lines) expect(JSON.stringify(line)).not.toContain(secret);
      expect(log.text()).not.toContain(secret);
    });

    it('a store outage on /start answers an error page and logs no token', async () => {
      const invitation = await createInvitation(h);
      const app = h.appWithStorage(unreachableStorage(h.storage));

      for (const method of ['get', 'post'] as const) {
        const res = await supertest(app)[method](startPathOf(invitation.start_url));

        expect(res.status).toBeGreaterThanOrEqual(500);
        expect(res.headers['content-type']).toMatch(/text\/html/);
        expectStartHeaders(res);
        expect(res.text).not.toContain(secretOf(invitation.start_url));
      }
      expect(log.lines.some((line) => line.level === 40 || line.level === 50)).toBe(true);
      expect(log.text()).not.toContain(secretOf(invitation.start_url));
      expect(upstreamRequestCount(h)).toBe(0);
    });

    it.each([
      ['upper case', (path: string) => path.replace('/start/', '/START/')],
      ['mixed case', (path: string) => path.replace('/start/', '/Start/')],
    ])(
      'the request log holds no start token when the path is in %s (Express routes it all the same)',
      async (_name, spell) => {
        const invitation = await createInvitation(h);
        const path = spell(startPathOf(invitation.start_url));

        await page('get', path);
        await page('post', path);

        expect(log.lines.length).toBeGreaterThan(0);
        expect(log.text()).not.toContain(secretOf(invitation.start_url));
      },
    );

    it.each([
      ['a stray percent sign', '%'],
      ['an invalid escape', '%ZZ'],
      ['a truncated UTF-8 escape', '%E0%A4%A'],
    ])(
      'a start link mangled by %s is the 404 page, and the log holds no token',
      async (_name, junk) => {
        const invitation = await createInvitation(h);
        const path = `${startPathOf(invitation.start_url)}${junk}`;

        const answers = [await page('get', path), await page('post', path)];

        expect(log.text()).not.toContain(secretOf(invitation.start_url));
        for (const res of answers) {
          expectUnknownPage(res);
          expect(res.text).not.toContain(secretOf(invitation.start_url));
        }
        expect(upstreamRequestCount(h)).toBe(0);
      },
    );

    it('a store outage on /start answers the 503 SERVICE_UNAVAILABLE page with Retry-After, like the callback', async () => {
      const invitation = await createInvitation(h);
      const app = h.appWithStorage(unreachableStorage(h.storage));

      for (const method of ['get', 'post'] as const) {
        const res = await supertest(app)[method](startPathOf(invitation.start_url));

        expect(res.status).toBe(503);
        expect(res.text).toContain('SERVICE_UNAVAILABLE');
        expect(res.headers['retry-after']).toBe('1');
        expectStartHeaders(res);
      }
    });

    it('no page carries the state, the verifiers, the login_id or any key, before or after the login', async () => {
      const invitation = await createInvitation(h, { create_link: 'on_open' });
      const path = startPathOf(invitation.start_url);
      const answers: Answer[] = [await page('get', path), await page('post', path)];
      const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
      const link = h.sim.getLink(stored.links[0]!.link_id)!;
      const state = new URL(link.redirect_url).searchParams.get('state')!;
      const callback = callbackPathOf(h.sim.authenticate(link.link_id).redirectUrl!);
      const verifier = new URLSearchParams(callback.split('?')[1]).get('link_verifier')!;
      answers.push(await page('get', path), await page('post', path));
      answers.push(await page('get', callback));
      const loginId = h.sim.getLink(link.link_id)!.login_id!;
      answers.push(await page('get', path), await page('post', path));

      expect(answers.map((res) => res.status)).toEqual([200, 303, 200, 303, 200, 200, 200]);
      expect(answers.at(-1)!.text).toContain('is connected');
      const secrets = [
        state,
        verifier,
        link.redirect_verifier,
        loginId,
        API_KEY,
        SIM_KEY,
        WEBHOOK_SECRET,
        stored.state_hash,
        stored.links[0]!.state_hash,
        String(stored.start_token_hash),
      ];
      for (const secret of secrets) expect(secret.length).toBeGreaterThan(8);
      for (const res of answers) {
        const text = `${res.text}\n${JSON.stringify(res.headers)}`;
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    });
  });

  describe('headers', () => {
    it('every /start answer carries Cache-Control no-store and Referrer-Policy no-referrer', async () => {
      const invitation = await createInvitation(h);
      const path = startPathOf(invitation.start_url);
      const answers: Answer[] = [
        await page('get', path),
        await page('head', path),
        await page('post', path),
        await page('get', '/start/nope'),
        await page('post', '/start/nope'),
      ];
      const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
      await page('get', h.authenticate(stored.links[0]!.link_id)).expect(200);
      answers.push(await page('get', path), await page('post', path));
      const cancelled = await createInvitation(h);
      await h.api('post', `/v1/onboardings/${cancelled.onboarding_id}/cancel`).expect(200);
      answers.push(await page('get', startPathOf(cancelled.start_url)));

      expect(answers.map((res) => res.status)).toEqual([200, 200, 303, 404, 404, 200, 200, 410]);
      for (const res of answers) expectStartHeaders(res);
    });

    it("the start page's form may go only to itself and to the upstream's login origin, where Continue leads", async () => {
      const invitation = await createInvitation(h);
      const path = startPathOf(invitation.start_url);
      const upstreamOrigin = new URL(h.upstream.url).origin;

      const shown = await page('get', path).expect(200);
      const sent = await page('post', path).expect(303);

      const csp = cspDirectives(shown.headers['content-security-policy'] as string);
      expect(csp['form-action']!.sort()).toEqual(["'self'", upstreamOrigin].sort());
      expect(csp['default-src']).toEqual(["'none'"]);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expect(csp['base-uri']).toEqual(["'none'"]);
      expect(csp['script-src']).toBeUndefined();
      expect(shown.text).not.toMatch(/<script|\son\w+=/i);
      const style = /<style>([^<]*)<\/style>/.exec(shown.text)![1]!;
      expect(csp['style-src']).toEqual([
        `'sha256-${createHash('sha256').update(style).digest('base64')}'`,
      ]);
      expect(new URL(sent.headers.location!).origin).toBe(upstreamOrigin);
    });

    it('the waiting page (503, Retry-After) allows exactly its one script, by hash, and tries again by posting to itself', async () => {
      for (let i = 0; i < 5; i++) await h.createOnboarding({ ds_id: 'GA', create_link: 'now' });
      const invitation = await createInvitation(h);
      const path = startPathOf(invitation.start_url);

      const res = await page('post', path);

      expect(res.status).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expectStartHeaders(res);
      const scripts = [...res.text.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]!);
      expect(scripts).toHaveLength(1);
      expect(res.text.match(/<script/g)).toHaveLength(1);
      const csp = cspDirectives(res.headers['content-security-policy'] as string);
      expect(csp['script-src']).toEqual([
        `'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`,
      ]);
      expect(csp['form-action']!.sort()).toEqual(["'self'", new URL(h.upstream.url).origin].sort());
      expect(res.text).toContain(`<form method="post" action="${path}">`);
      const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
      expect(stored).toMatchObject({ links: [], link_lock_until: null });
    });

    it('the API keeps its own headers: JSON with a CSP that allows nothing', async () => {
      const created = await h
        .api('post', '/v1/onboardings')
        .send({ ds_id: 'GA', create_link: 'on_open' });
      const id = created.body.data.onboarding_id as string;
      await page('get', startPathOf(created.body.data.start_url)).expect(200);
      const answers = [
        created,
        await h.api('post', `/v1/onboardings/${id}/start-link`),
        await h.api('get', `/v1/onboardings/${id}`),
        await h.api('post', '/v1/onboardings/onb_AAAAAAAAAAAAAAAAAAAAAAAA/start-link'),
      ];

      expect(answers.map((res) => res.status)).toEqual([201, 200, 200, 404]);
      for (const res of answers) {
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['strict-transport-security']).toBe(
          'max-age=31536000; includeSubDomains',
        );
        expect(cspDirectives(res.headers['content-security-policy'] as string)).toEqual({
          'default-src': ["'none'"],
          'base-uri': ["'none'"],
          'form-action': ["'none'"],
          'frame-ancestors': ["'none'"],
        });
      }
    });
  });
});

describe('start pages: rate limit per client address', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { RATE_LIMIT_CALLBACK: '3', TRUST_PROXY: '1' } });
  });
  afterEach(async () => {
    await h.close();
  });

  const from = (method: 'get' | 'post', path: string, address: string) =>
    supertest(h.app)[method](path).set({
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-For': address,
    });

  it('answers the 429 page once an address has used its budget, on GET and POST, sending nothing upstream', async () => {
    const invitation = await createInvitation(h);
    const path = startPathOf(invitation.start_url);
    for (let i = 0; i < 3; i++) expect((await from('get', path, '203.0.113.7')).status).toBe(200);

    for (const method of ['get', 'post'] as const) {
      const res = await from(method, path, '203.0.113.7');

      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('TOO_MANY_REQUESTS');
      expect(res.text).not.toContain(secretOf(invitation.start_url));
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expectStartHeaders(res);
    }
    expect(upstreamRequestCount(h)).toBe(0);
    expect(h.log.lines.at(-1)).toMatchObject({
      outcome: 'TOO_MANY_REQUESTS',
      res: { status: 429 },
    });
  });

  it('keeps the budget per address: another address still gets the page', async () => {
    const invitation = await createInvitation(h);
    const path = startPathOf(invitation.start_url);
    for (let i = 0; i < 4; i++) await from('get', path, '203.0.113.7');
    expect((await from('get', path, '203.0.113.7')).status).toBe(429);

    const res = await from('get', path, '198.51.100.20');

    expect(res.status).toBe(200);
    expect(res.text).toContain('Continue');
  });

  it('counts unknown tokens too, so guessing is limited like the callback', async () => {
    for (let i = 0; i < 3; i++)
      expect((await from('get', `/start/guess-${i}`, '203.0.113.9')).status).toBe(404);

    expect((await from('get', '/start/guess-3', '203.0.113.9')).status).toBe(429);
  });
});

describe('start pages: metrics', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ metrics: createMetrics({ processMetrics: false }) });
  });
  afterEach(async () => {
    await h.close();
  });

  const outcome = (text: string, name: string) =>
    sampleOf(text, 'llr_start_total', { outcome: name }) ?? 0;

  it('counts the POSTs of start links by outcome, not the GETs, and shows our OPEN upstream links', async () => {
    const before = await scrape(h);
    expect(sampleOf(before, 'llr_upstream_open_links')).toBe(0);
    const invitation = await createInvitation(h);
    const path = startPathOf(invitation.start_url);
    await supertest(h.app).get(path).expect(200);
    expect(outcome(await scrape(h), 'created')).toBe(0);

    await supertest(h.app).post(path).expect(303);
    let text = await scrape(h);
    expect(outcome(text, 'created')).toBe(1);
    expect(outcome(text, 'reused')).toBe(0);
    expect(sampleOf(text, 'llr_upstream_open_links')).toBe(1);

    await supertest(h.app).post(path).expect(303);
    await supertest(h.app).post(path).expect(303);
    text = await scrape(h);
    expect(outcome(text, 'created')).toBe(1);
    expect(outcome(text, 'reused')).toBe(2);

    const second = await createInvitation(h);
    await supertest(h.app).post(startPathOf(second.start_url)).expect(303);
    expect(sampleOf(await scrape(h), 'llr_upstream_open_links')).toBe(2);

    const stored = (await h.storage.onboardings.getOnboarding(invitation.onboarding_id))!;
    await supertest(h.app).get(h.authenticate(stored.links[0]!.link_id)).expect(200);
    await supertest(h.app).post(path).expect(200);
    await h.api('post', `/v1/onboardings/${second.onboarding_id}/cancel`).expect(200);
    await supertest(h.app).post(startPathOf(second.start_url)).expect(410);
    await supertest(h.app).get(startPathOf(second.start_url)).expect(410);

    text = await scrape(h);
    expect(outcome(text, 'created')).toBe(2);
    expect(outcome(text, 'reused')).toBe(2);
    expect(outcome(text, 'completed')).toBe(1);
    expect(outcome(text, 'ended')).toBe(1);
    expect(sampleOf(text, 'llr_upstream_open_links')).toBe(0);
  });
});
