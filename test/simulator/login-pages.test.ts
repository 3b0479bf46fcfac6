// The login pages behind login_url: the form, Authenticate with its redirect, refusals and Cancel.
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
