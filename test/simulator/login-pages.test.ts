// The login pages behind login_url: the form, Authenticate with its redirect, refusals, Cancel and started attempts.
import { bodyOf, startSimulator, T0, type SimulatorFixture } from './simulator-fixture';
import { isoSeconds } from '../../src/lib/clock';

function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  };
}

/** Opens the login page as a browser would and returns the attempt its form carries. */
async function openLoginPage(loginUrl: string): Promise<string> {
  const res = await fetch(loginUrl);
  expect(res.status).toBe(200);
  const attempt = /<input type="hidden" name="attempt" value="([^"]+)">/.exec(await res.text());
  expect(attempt).not.toBeNull();
  return attempt![1]!;
}

describe('simulator login pages', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator();
  });
  afterEach(() => fx.running.close());

  it('shows a self-contained page with the data source, a username field, Authenticate and Cancel', async () => {
    const link = await fx.createLink({ ds_id: 'AC' });
    const res = await fetch(link.login_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('Microsoft Advertising (Bing)');
    expect(html).toMatch(/<input[^>]*name="username"/);
    expect(html).toMatch(/<form method="post" action="[^"]*\/authenticate">/);
    expect(html).toMatch(/<form method="post" action="[^"]*\/cancel">/);
    expect(html).toContain('Authenticate</button>');
    expect(html).toContain('Cancel</button>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
  });

  it('escapes text and prefills require_username', async () => {
    const link = await fx.createLink({ ds_id: '<b>X</b>', require_username: 'a"b@example.com' });
    const html = await (await fetch(link.login_url)).text();
    expect(html).not.toContain('<b>X</b>');
    expect(html).toContain('&lt;b&gt;X&lt;/b&gt;');
    expect(html).toContain('value="a&quot;b@example.com"');
  });

  it('answers 404 for an unknown token; the link_id is not the token', async () => {
    const link = await fx.createLink();
    expect((await fetch(`${fx.running.url}/datasource/login/${link.link_id}`)).status).toBe(404);
  });

  it('authenticates on form POST: 303 to redirect_url keeping its query plus link_id and link_verifier', async () => {
    const link = await fx.createLink({ redirect_url: 'https://app.example/cb?state=abc' });
    fx.clock.advance(5000);
    const res = await fetch(`${link.login_url}/authenticate`, form({ username: 'me@example.com' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example/cb');
    expect([...location.searchParams.keys()]).toEqual(['state', 'link_id', 'link_verifier']);
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.get('link_id')).toBe(link.link_id);
    expect(location.searchParams.get('link_verifier')).toBe(link.redirect_verifier);

    const after = await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`));
    expect(after.data).toEqual({
      ...link,
      status_code: 'CLOSED',
      login_id: expect.stringMatching(/^dsl_[A-Za-z0-9_-]+$/),
      login_username: 'me@example.com',
      login_time: isoSeconds(T0 + 5000),
    });
  });

  it('shows "You can close this window" when the link has no redirect_url', async () => {
    const link = await fx.createLink();
    const res = await fetch(`${link.login_url}/authenticate`, form({ username: '' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You can close this window');
    expect(fx.sim.getLink(link.link_id)).toMatchObject({
      status_code: 'CLOSED',
      login_username: 'user@example.com',
    });
  });

  it('refuses a username other than require_username and leaves the link OPEN', async () => {
    const link = await fx.createLink({
      require_username: 'owner@example.com',
      redirect_url: 'https://app.example/cb',
    });
    const res = await fetch(
      `${link.login_url}/authenticate`,
      form({ username: 'intruder@example.com' }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('owner@example.com');
    expect(fx.sim.getLink(link.link_id)).toMatchObject({ status_code: 'OPEN', login_id: null });

    const ok = await fetch(
      `${link.login_url}/authenticate`,
      form({ username: 'owner@example.com' }),
    );
    expect(ok.status).toBe(303);
    expect(fx.sim.getLink(link.link_id)?.login_username).toBe('owner@example.com');
  });

  it('refuses to authenticate a link that is no longer OPEN', async () => {
    const link = await fx.createLink({
      expiry_time: '1 hour',
      redirect_url: 'https://app.example/cb',
    });
    fx.clock.advance(60 * 60 * 1000);
    const res = await fetch(`${link.login_url}/authenticate`, form({ username: 'me@example.com' }));
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('EXPIRED');
    expect(fx.sim.getLink(link.link_id)).toMatchObject({ status_code: 'EXPIRED', login_id: null });
    expect((await fetch(link.login_url)).status).toBe(410);
  });

  it('does not authenticate twice', async () => {
    const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
    await fetch(`${link.login_url}/authenticate`, form({ username: 'first@example.com' }));
    const second = await fetch(
      `${link.login_url}/authenticate`,
      form({ username: 'second@example.com' }),
    );
    expect(second.status).toBe(410);
    expect(fx.sim.getLink(link.link_id)?.login_username).toBe('first@example.com');
  });

  it('cancel shows a cancelled page and keeps the link OPEN', async () => {
    const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
    const res = await fetch(`${link.login_url}/cancel`, form({}));
    expect(res.status).toBe(200);
    expect((await res.text()).toLowerCase()).toContain('cancelled');
    expect(fx.sim.getLink(link.link_id)).toMatchObject({ status_code: 'OPEN', login_id: null });
    expect((await fetch(link.login_url)).status).toBe(200);
  });

  describe('closing does not end a started attempt', () => {
    const close = (linkId: string) => fx.api('PUT', `/ds/login/link/${linkId}/close`);

    it('finishes a page opened while OPEN after the link was closed: CLOSED with login fields, 303 to redirect_url', async () => {
      const link = await fx.createLink({ redirect_url: 'https://app.example/cb?state=abc' });
      const attempt = await openLoginPage(link.login_url);
      expect((await close(link.link_id)).status).toBe(200);
      fx.clock.advance(7000);

      const res = await fetch(
        `${link.login_url}/authenticate`,
        form({ username: 'late@example.com', attempt }),
      );
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('state')).toBe('abc');
      expect(location.searchParams.get('link_id')).toBe(link.link_id);
      expect(location.searchParams.get('link_verifier')).toBe(link.redirect_verifier);
      const after = await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`));
      expect(after.data).toEqual({
        ...link,
        status_code: 'CLOSED',
        login_id: expect.stringMatching(/^dsl_[A-Za-z0-9_-]+$/),
        login_username: 'late@example.com',
        login_time: isoSeconds(T0 + 7000),
      });
    });

    it('does not authenticate from a page opened after the close', async () => {
      const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
      const other = await fx.createLink();
      const otherAttempt = await openLoginPage(other.login_url);
      await close(link.link_id);

      const page = await fetch(link.login_url);
      expect(page.status).toBe(410);
      const html = await page.text();
      expect(html).toContain('CLOSED');
      expect(html).not.toContain('name="attempt"');
      const forms: Record<string, string>[] = [
        {},
        { attempt: otherAttempt },
        { attempt: 'made-up' },
      ];
      for (const fields of forms) {
        const res = await fetch(
          `${link.login_url}/authenticate`,
          form({ username: 'me@example.com', ...fields }),
        );
        expect(res.status).toBe(410);
        expect(res.headers.get('location')).toBeNull();
      }
      expect(fx.sim.getLink(link.link_id)).toMatchObject({ status_code: 'CLOSED', login_id: null });
    });

    it('gives each page view its own attempt, and only one of them logs in', async () => {
      const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
      const first = await openLoginPage(link.login_url);
      const second = await openLoginPage(link.login_url);
      expect(first).not.toBe(second);
      await close(link.link_id);

      const won = await fetch(`${link.login_url}/authenticate`, form({ attempt: second }));
      expect(won.status).toBe(303);
      const lost = await fetch(
        `${link.login_url}/authenticate`,
        form({ username: 'other@example.com', attempt: first }),
      );
      expect(lost.status).toBe(410);
      expect(fx.sim.getLink(link.link_id)?.login_username).toBe('user@example.com');
    });

    it('keeps the attempt on a refused username, so the corrected form still finishes', async () => {
      const link = await fx.createLink({
        require_username: 'owner@example.com',
        redirect_url: 'https://app.example/cb',
      });
      const attempt = await openLoginPage(link.login_url);
      await close(link.link_id);

      const refused = await fetch(
        `${link.login_url}/authenticate`,
        form({ username: 'intruder@example.com', attempt }),
      );
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain(`name="attempt" value="${attempt}"`);
      const ok = await fetch(
        `${link.login_url}/authenticate`,
        form({ username: 'owner@example.com', attempt }),
      );
      expect(ok.status).toBe(303);
      expect(fx.sim.getLink(link.link_id)).toMatchObject({
        status_code: 'CLOSED',
        login_username: 'owner@example.com',
      });
    });

    it('still finishes once the closed link passes its expiry_time (a CLOSED link never reads EXPIRED)', async () => {
      const link = await fx.createLink({ expiry_time: '1 hour' });
      const attempt = await openLoginPage(link.login_url);
      await close(link.link_id);
      fx.clock.advance(2 * 60 * 60 * 1000);
      const res = await fetch(`${link.login_url}/authenticate`, form({ attempt }));
      expect(res.status).toBe(200);
      expect(fx.sim.getLink(link.link_id)).toMatchObject({
        status_code: 'CLOSED',
        login_id: expect.stringMatching(/^dsl_/),
      });
    });

    it('does not finish on a link that expired without being closed', async () => {
      const link = await fx.createLink({ expiry_time: '1 hour' });
      const attempt = await openLoginPage(link.login_url);
      fx.clock.advance(60 * 60 * 1000);
      const res = await fetch(`${link.login_url}/authenticate`, form({ attempt }));
      expect(res.status).toBe(410);
      expect(await res.text()).toContain('EXPIRED');
      expect(fx.sim.getLink(link.link_id)).toMatchObject({
        status_code: 'EXPIRED',
        login_id: null,
      });
    });
  });

  describe('startAttempt() hook', () => {
    it('finishes after the link was closed, like a page opened before the close', async () => {
      const link = await fx.createLink({ redirect_url: 'https://app.example/cb?&my_state=1' });
      const attempt = fx.sim.startAttempt(link.link_id);
      expect(attempt.linkId).toBe(link.link_id);
      await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);
      expect(() => fx.sim.authenticate(link.link_id)).toThrow(/not OPEN/);

      const { redirectUrl } = attempt.authenticate({ username: 'late@example.com' });
      const url = new URL(redirectUrl!);
      expect(url.searchParams.get('my_state')).toBe('1');
      expect(url.searchParams.get('link_id')).toBe(link.link_id);
      expect(url.searchParams.get('link_verifier')).toBe(link.redirect_verifier);
      expect(fx.sim.getLink(link.link_id)).toMatchObject({
        status_code: 'CLOSED',
        login_username: 'late@example.com',
        login_id: expect.stringMatching(/^dsl_/),
      });
    });

    it('is finished by the login page form too, with its attemptId', async () => {
      const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
      const attempt = fx.sim.startAttempt(link.link_id);
      await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);
      const res = await fetch(
        `${link.login_url}/authenticate`,
        form({ attempt: attempt.attemptId }),
      );
      expect(res.status).toBe(303);
      expect(fx.sim.getLink(link.link_id)?.login_id).toMatch(/^dsl_/);
    });

    it('cannot start on a link that is not OPEN, and finishes only once', async () => {
      const closed = await fx.createLink();
      await fx.api('PUT', `/ds/login/link/${closed.link_id}/close`);
      expect(() => fx.sim.startAttempt(closed.link_id)).toThrow(/not OPEN/);
      expect(() => fx.sim.startAttempt('dsll_unknown')).toThrow(/not found/);

      const link = await fx.createLink();
      const first = fx.sim.startAttempt(link.link_id);
      const second = fx.sim.startAttempt(link.link_id);
      first.authenticate({ username: 'first@example.com' });
      expect(() => second.authenticate({ username: 'second@example.com' })).toThrow(/not OPEN/);
      expect(fx.sim.getLink(link.link_id)?.login_username).toBe('first@example.com');
    });

    it('remembers the newest 64 attempts of a link, so reloads cannot grow memory', async () => {
      const link = await fx.createLink();
      const attempts = Array.from({ length: 65 }, () => fx.sim.startAttempt(link.link_id));
      await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);
      expect(() => attempts[0]!.authenticate()).toThrow(/not OPEN/);
      expect(attempts[1]!.authenticate()).toEqual({ redirectUrl: null });
      expect(fx.sim.getLink(link.link_id)?.login_id).toMatch(/^dsl_/);
    });
  });

  describe('authenticate() hook', () => {
    it('does what the form does and returns the redirect', async () => {
      const link = await fx.createLink({ redirect_url: 'https://app.example/cb?&my_state=1' });
      const { redirectUrl } = fx.sim.authenticate(link.link_id);
      const url = new URL(redirectUrl!);
      expect(url.searchParams.get('my_state')).toBe('1');
      expect(url.searchParams.get('link_verifier')).toBe(link.redirect_verifier);
      expect(fx.sim.getLink(link.link_id)).toMatchObject({
        status_code: 'CLOSED',
        login_username: 'user@example.com',
      });
    });

    it('uses require_username by default and returns null without redirect_url', async () => {
      const link = await fx.createLink({ require_username: 'owner@example.com' });
      expect(fx.sim.authenticate(link.link_id)).toEqual({ redirectUrl: null });
      expect(fx.sim.getLink(link.link_id)?.login_username).toBe('owner@example.com');
    });

    it('throws for a link that is not OPEN, or unknown', async () => {
      const link = await fx.createLink();
      await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);
      expect(() => fx.sim.authenticate(link.link_id)).toThrow(/not OPEN/);
      expect(() => fx.sim.authenticate('dsll_unknown')).toThrow(/not found/);
      expect(fx.sim.getLink(link.link_id)?.login_id).toBeNull();
    });

    it('with loginVisibleAfterReads, API GETs show CLOSED with null login fields N times', async () => {
      const link = await fx.createLink();
      fx.sim.authenticate(link.link_id, { username: 'lag@example.com', loginVisibleAfterReads: 2 });
      const read = async () =>
        (await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`))).data;
      for (let i = 0; i < 2; i += 1) {
        expect(fx.sim.getLink(link.link_id)?.login_id).toBeNull();
        expect(await read()).toMatchObject({
          status_code: 'CLOSED',
          login_id: null,
          login_username: null,
          login_time: null,
        });
      }
      expect(await read()).toMatchObject({
        status_code: 'CLOSED',
        login_username: 'lag@example.com',
        login_id: expect.stringMatching(/^dsl_/),
      });
    });
  });
});
