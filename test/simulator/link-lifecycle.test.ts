// Link states and rules: the OPEN limit, expiry, 90-day removal, update, close, list and 404s.
import { bodyOf, DAY, startSimulator, type SimulatorFixture } from './simulator-fixture';

const NOT_FOUND = {
  error: 'LINK_NOT_FOUND',
  message: 'Requested data source login link was not found.',
};

describe('simulator link lifecycle', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator();
  });
  afterEach(() => fx.running.close());

  describe('open link limit', () => {
    it('refuses the 6th OPEN link with 403 LINK_LIMIT_EXCEEDED', async () => {
      for (let i = 0; i < 5; i += 1) await fx.createLink();
      const res = await fx.api('POST', '/ds/login/link', { ds_id: 'GA', expiry_time: '7 days' });
      expect(res.status).toBe(403);
      expect(await bodyOf(res)).toEqual({
        meta: { request_id: expect.stringMatching(/^[A-Za-z0-9_-]+$/) },
        error: {
          code: 'LINK_LIMIT_EXCEEDED',
          message:
            'Creating new data source login link would exceed your limit for total open links.',
        },
      });
      expect((await bodyOf(await fx.api('GET', '/ds/login/links'))).data).toHaveLength(5);
    });

    it('follows a configured limit', async () => {
      const small = await startSimulator({ linkLimit: 2 });
      try {
        await small.createLink();
        await small.createLink();
        const res = await small.api('POST', '/ds/login/link', {
          ds_id: 'GA',
          expiry_time: '7 days',
        });
        expect(res.status).toBe(403);
      } finally {
        await small.running.close();
      }
    });

    it('frees a slot when a link is closed, authenticated or expires', async () => {
      const small = await startSimulator({ linkLimit: 3 });
      try {
        const closed = await small.createLink();
        const authenticated = await small.createLink();
        await small.createLink({ expiry_time: '1 hour' });
        expect(
          (await small.api('POST', '/ds/login/link', { ds_id: 'GA', expiry_time: '7 days' }))
            .status,
        ).toBe(403);

        await small.api('PUT', `/ds/login/link/${closed.link_id}/close`);
        await small.createLink();
        small.sim.authenticate(authenticated.link_id);
        await small.createLink();
        small.clock.advance(61 * 60 * 1000);
        await small.createLink();
        expect(
          (await small.api('POST', '/ds/login/link', { ds_id: 'GA', expiry_time: '7 days' }))
            .status,
        ).toBe(403);
      } finally {
        await small.running.close();
      }
    });

    it('counts a link forced CLOSED or back to OPEN through setLink, and frees removed links', async () => {
      const small = await startSimulator({ linkLimit: 2 });
      const create = () =>
        small.api('POST', '/ds/login/link', { ds_id: 'GA', expiry_time: '7 days' });
      try {
        const first = await small.createLink();
        const second = await small.createLink();
        expect((await create()).status).toBe(403);
        small.sim.setLink(first.link_id, { status_code: 'CLOSED' });
        const third = await small.createLink();
        small.sim.setLink(first.link_id, { status_code: 'OPEN' });
        expect((await create()).status).toBe(403);
        // Three OPEN now; links past 90 days are removed and hold no slot any more.
        small.sim.setLink(second.link_id, { created_time: '2020-01-01T00:00:00Z' });
        expect((await create()).status).toBe(403);
        small.sim.setLink(third.link_id, { created_time: '2020-01-01T00:00:00Z' });
        expect((await create()).status).toBe(201);
      } finally {
        await small.running.close();
      }
    });
  });

  describe('status', () => {
    it('reads EXPIRED once the clock passes expiry_time, and OPEN before', async () => {
      const link = await fx.createLink({ expiry_time: '2 hours' });
      fx.clock.advance(2 * 60 * 60 * 1000 - 1000);
      expect(
        (await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`))).data.status_code,
      ).toBe('OPEN');
      fx.clock.advance(1000);
      const body = await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`));
      expect(body.data.status_code).toBe('EXPIRED');
      expect(body.data.login_id).toBeNull();
      const listed = await bodyOf(await fx.api('GET', '/ds/login/links'));
      expect(listed.data[0].status_code).toBe('EXPIRED');
    });

    it('keeps a CLOSED link CLOSED after its expiry time passes', async () => {
      const link = await fx.createLink({ expiry_time: '1 hour' });
      await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);
      fx.clock.advance(2 * 60 * 60 * 1000);
      expect(fx.sim.getLink(link.link_id)?.status_code).toBe('CLOSED');
    });
  });

  describe('not found', () => {
    it.each([
      ['GET', '/ds/login/link/dsll_unknown'],
      ['PATCH', '/ds/login/link/dsll_unknown'],
      ['PUT', '/ds/login/link/dsll_unknown/close'],
    ])('%s %s answers 404 with the flat body', async (method, path) => {
      const res = await fx.api(method, path, method === 'PATCH' ? { description: 'x' } : undefined);
      expect(res.status).toBe(404);
      expect(res.headers.get('x-ratelimit-limit')).toBe('10000');
      expect(await bodyOf(res)).toEqual(NOT_FOUND);
    });

    it.each(['bad.id', 'a'.repeat(51), 'sp%20ace'])(
      'answers 422 in the envelope for link_id %p',
      async (linkId) => {
        const res = await fx.api('GET', `/ds/login/link/${linkId}`);
        expect(res.status).toBe(422);
        const body = await bodyOf(res);
        expect(body.error.code).toBe('UNPROCESSABLE_ENTITY');
        expect(body.meta.request_id).toMatch(/^[A-Za-z0-9_-]+$/);
      },
    );

    it('removes links older than 90 days, whatever their state', async () => {
      const open = await fx.createLink({ expiry_time: '2027-01-01' });
      const closed = await fx.createLink({ expiry_time: '2027-01-01' });
      await fx.api('PUT', `/ds/login/link/${closed.link_id}/close`);
      fx.clock.advance(90 * DAY);
      expect((await fx.api('GET', `/ds/login/link/${open.link_id}`)).status).toBe(200);
      fx.clock.advance(1000);
      for (const link of [open, closed]) {
        const res = await fx.api('GET', `/ds/login/link/${link.link_id}`);
        expect(res.status).toBe(404);
        expect(await bodyOf(res)).toEqual(NOT_FOUND);
        expect(fx.sim.getLink(link.link_id)).toBeNull();
      }
      expect((await bodyOf(await fx.api('GET', '/ds/login/links'))).data).toEqual([]);
      expect((await fetch(open.login_url)).status).toBe(404);
    });
  });

  describe('list', () => {
    it('lists links oldest first without redirect or login fields', async () => {
      const first = await fx.createLink({
        description: 'one',
        redirect_url: 'https://a.example/cb',
      });
      fx.clock.advance(1000);
      const second = await fx.createLink({ description: 'two' });
      const body = await bodyOf(await fx.api('GET', '/ds/login/links'));
      expect(body.data.map((l: { link_id: string }) => l.link_id)).toEqual([
        first.link_id,
        second.link_id,
      ]);
      expect(Object.keys(body.data[0]).sort()).toEqual(
        [
          'link_id',
          'status_code',
          'description',
          'ds_id',
          'ds_name',
          'require_username',
          'user_id',
          'user_email',
          'login_url',
          'created_time',
          'expiry_time',
        ].sort(),
      );
    });
  });

  describe('list filters and states', () => {
    const SUMMARY_FIELDS = [
      'created_time',
      'description',
      'ds_id',
      'ds_name',
      'expiry_time',
      'link_id',
      'login_url',
      'require_username',
      'status_code',
      'user_email',
      'user_id',
    ];

    it('lists every link in every state, an authenticated one without its login fields', async () => {
      const open = await fx.createLink();
      const closed = await fx.createLink();
      const authenticated = await fx.createLink({ redirect_url: 'https://app.example/cb' });
      const expiring = await fx.createLink({ expiry_time: '1 hour' });
      await fx.api('PUT', `/ds/login/link/${closed.link_id}/close`);
      fx.sim.authenticate(authenticated.link_id, { username: 'me@example.com' });
      fx.clock.advance(60 * 60 * 1000);

      const body = await bodyOf(await fx.api('GET', '/ds/login/links'));
      expect(
        body.data.map((l: { link_id: string; status_code: string }) => [l.link_id, l.status_code]),
      ).toEqual([
        [open.link_id, 'OPEN'],
        [closed.link_id, 'CLOSED'],
        [authenticated.link_id, 'CLOSED'],
        [expiring.link_id, 'EXPIRED'],
      ]);
      for (const entry of body.data) expect(Object.keys(entry).sort()).toEqual(SUMMARY_FIELDS);
      const full = fx.sim.getLink(authenticated.link_id)!;
      expect(full.login_id).toMatch(/^dsl_/);
      const summary = Object.fromEntries(
        Object.entries(full).filter(([field]) => SUMMARY_FIELDS.includes(field)),
      );
      expect(body.data[2]).toEqual(summary);
    });

    it('ignores query parameters: the upstream describes no filter or paging', async () => {
      const open = await fx.createLink();
      const closed = await fx.createLink();
      await fx.api('PUT', `/ds/login/link/${closed.link_id}/close`);
      const res = await fx.api('GET', '/ds/login/links?status_code=OPEN&limit=1&offset=1');
      expect(res.status).toBe(200);
      const body = await bodyOf(res);
      expect(Object.keys(body).sort()).toEqual(['data', 'meta']);
      expect(Object.keys(body.meta)).toEqual(['request_id']);
      expect(body.data.map((l: { link_id: string }) => l.link_id)).toEqual([
        open.link_id,
        closed.link_id,
      ]);
    });

    it('does not use up a lagged read of the login fields', async () => {
      const link = await fx.createLink();
      fx.sim.authenticate(link.link_id, { loginVisibleAfterReads: 1 });
      const listed = (await bodyOf(await fx.api('GET', '/ds/login/links'))).data;
      expect(listed[0].status_code).toBe('CLOSED');
      const first = (await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`))).data;
      const second = (await bodyOf(await fx.api('GET', `/ds/login/link/${link.link_id}`))).data;
      expect([first.login_id, typeof second.login_id]).toEqual([null, 'string']);
    });
  });

  describe('update (PATCH)', () => {
    it('changes the description and answers with the link', async () => {
      const link = await fx.createLink({ description: 'old' });
      const res = await fx.api('PATCH', `/ds/login/link/${link.link_id}`, { description: 'new' });
      expect(res.status).toBe(200);
      expect((await bodyOf(res)).data).toEqual({ ...link, description: 'new' });
      expect(fx.sim.getLink(link.link_id)?.description).toBe('new');
    });

    it.each([
      ['another field', { redirect_url: 'https://evil.example/' }],
      ['description with another field', { description: 'x', expiry_time: '9 days' }],
      ['a non-string description', { description: 42 }],
      ['a too long description', { description: 'x'.repeat(1001) }],
    ])('refuses %s with 422 and changes nothing', async (_name, body) => {
      const link = await fx.createLink({ description: 'old' });
      const res = await fx.api('PATCH', `/ds/login/link/${link.link_id}`, body);
      expect(res.status).toBe(422);
      expect((await bodyOf(res)).error.code).toBe('UNPROCESSABLE_ENTITY');
      expect(fx.sim.getLink(link.link_id)).toEqual(link);
    });
  });

  describe('close (PUT)', () => {
    it('closes an OPEN link and the login page stops accepting it', async () => {
      const link = await fx.createLink();
      const res = await fx.api('PUT', `/ds/login/link/${link.link_id}/close`);
      expect(res.status).toBe(200);
      expect((await bodyOf(res)).data).toEqual({ ...link, status_code: 'CLOSED' });
      expect(fx.sim.getLink(link.link_id)?.status_code).toBe('CLOSED');
      expect((await fetch(link.login_url)).status).toBe(410);
    });

    it('answers 200 with the link unchanged when it is already CLOSED or EXPIRED', async () => {
      const authenticated = await fx.createLink();
      fx.sim.authenticate(authenticated.link_id, { username: 'me@example.com' });
      const before = fx.sim.getLink(authenticated.link_id);
      const again = await fx.api('PUT', `/ds/login/link/${authenticated.link_id}/close`);
      expect(again.status).toBe(200);
      expect((await bodyOf(again)).data).toEqual(before);

      const expiring = await fx.createLink({ expiry_time: '1 hour' });
      fx.clock.advance(2 * 60 * 60 * 1000);
      const expired = await fx.api('PUT', `/ds/login/link/${expiring.link_id}/close`);
      expect((await bodyOf(expired)).data.status_code).toBe('EXPIRED');
    });
  });

  describe('setLink test hook', () => {
    it('forces fields, including created_time for the removal rule', async () => {
      const link = await fx.createLink();
      fx.sim.setLink(link.link_id, { status_code: 'EXPIRED', description: 'forced' });
      expect(fx.sim.getLink(link.link_id)).toMatchObject({
        status_code: 'EXPIRED',
        description: 'forced',
      });
      fx.sim.setLink(link.link_id, { created_time: '2025-01-01T00:00:00+00:00' });
      expect(fx.sim.getLink(link.link_id)).toBeNull();
      expect(() => fx.sim.setLink('dsll_nope', {})).toThrow();
    });
  });
});
