// POST /ds/login/link: the full link on 201, and the 422 answers naming the bad field.
import { bodyOf, startSimulator, type SimulatorFixture } from './simulator-fixture';

describe('simulator create link', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator();
  });
  afterEach(() => fx.running.close());

  it('answers 201 with the full link', async () => {
    const res = await fx.api('POST', '/ds/login/link', {
      ds_id: 'GA',
      description: 'My test link',
      expiry_time: '24 hours',
      redirect_url: 'https://app.example/cb?state=abc',
    });
    expect(res.status).toBe(201);
    const body = await bodyOf(res);
    expect(body.meta.request_id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(body.data).toEqual({
      link_id: expect.stringMatching(/^dsll_[A-Za-z0-9_-]+$/),
      status_code: 'OPEN',
      description: 'My test link',
      ds_id: 'GA',
      ds_name: 'Google Analytics',
      require_username: '',
      redirect_url: 'https://app.example/cb?state=abc',
      redirect_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      user_id: 'usr_1',
      user_email: 'info@supermetrics.com',
      login_url: expect.stringMatching(
        new RegExp(`^${fx.running.url}/datasource/login/[A-Za-z0-9_-]+$`),
      ),
      created_time: '2026-01-15T10:30:00+00:00',
      expiry_time: '2026-01-16T10:30:00+00:00',
      login_id: null,
      login_time: null,
      login_username: null,
    });
    expect(body.data.link_id.length).toBeLessThanOrEqual(50);
    expect(body.data.login_url).not.toContain(body.data.link_id);
  });

  it('gives each link its own id and verifier', async () => {
    const a = await fx.createLink();
    const b = await fx.createLink();
    expect(a.link_id).not.toBe(b.link_id);
    expect(a.redirect_verifier).not.toBe(b.redirect_verifier);
  });

  it('names known data sources and uses the id for unknown ones', async () => {
    expect((await fx.createLink({ ds_id: 'AC' })).ds_name).toBe('Microsoft Advertising (Bing)');
    expect((await fx.createLink({ ds_id: 'AW' })).ds_name).toBe('Google Ads');
    expect((await fx.createLink({ ds_id: 'FA' })).ds_name).toBe('Facebook Ads');
    expect((await fx.createLink({ ds_id: 'ZZQ' })).ds_name).toBe('ZZQ');
  });

  it('uses publicUrl for login_url when given', async () => {
    const other = await startSimulator({ publicUrl: 'https://sim.example/base/' });
    try {
      const link = await other.createLink();
      expect(link.login_url).toMatch(
        /^https:\/\/sim\.example\/base\/datasource\/login\/[A-Za-z0-9_-]+$/,
      );
    } finally {
      await other.running.close();
    }
  });

  it.each([
    ['2026-12-01', '2026-12-01T00:00:00+00:00'],
    ['2026-03-04T05:06:07+01:00', '2026-03-04T04:06:07+00:00'],
    ['2026-03-04T05:06:07Z', '2026-03-04T05:06:07+00:00'],
    ['24 hours', '2026-01-16T10:30:00+00:00'],
    ['7 days', '2026-01-22T10:30:00+00:00'],
  ])('stores expiry_time %p as %p', async (input, stored) => {
    expect((await fx.createLink({ expiry_time: input })).expiry_time).toBe(stored);
  });

  it.each([
    ['ds_id missing', { expiry_time: '7 days' }, 'ds_id'],
    ['expiry_time missing', { ds_id: 'GA' }, 'expiry_time'],
    ['ds_id not a string', { ds_id: 7, expiry_time: '7 days' }, 'ds_id'],
    ['expiry_time garbage', { ds_id: 'GA', expiry_time: 'whenever' }, 'expiry_time'],
    ['expiry_time in the past', { ds_id: 'GA', expiry_time: '2020-01-01' }, 'expiry_time'],
    [
      'http redirect_url',
      { ds_id: 'GA', expiry_time: '7 days', redirect_url: 'http://app.example/cb' },
      'redirect_url',
    ],
    [
      'relative redirect_url',
      { ds_id: 'GA', expiry_time: '7 days', redirect_url: '/cb' },
      'redirect_url',
    ],
    [
      'redirect_url too long',
      { ds_id: 'GA', expiry_time: '7 days', redirect_url: `https://a.example/${'x'.repeat(500)}` },
      'redirect_url',
    ],
    [
      'description too long',
      { ds_id: 'GA', expiry_time: '7 days', description: 'x'.repeat(1001) },
      'description',
    ],
    [
      'description not a string',
      { ds_id: 'GA', expiry_time: '7 days', description: null },
      'description',
    ],
    [
      'require_username too long',
      { ds_id: 'GA', expiry_time: '7 days', require_username: 'x'.repeat(256) },
      'require_username',
    ],
  ])('answers 422 UNPROCESSABLE_ENTITY when %s', async (_name, body, field) => {
    const res = await fx.api('POST', '/ds/login/link', body);
    expect(res.status).toBe(422);
    const json = await bodyOf(res);
    expect(json.meta.request_id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(json.error.code).toBe('UNPROCESSABLE_ENTITY');
    expect(json.error.description).toContain(field);
    expect(fx.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(1);
    expect((await bodyOf(await fx.api('GET', '/ds/login/links'))).data).toEqual([]);
  });

  it('accepts the longest allowed fields', async () => {
    const link = await fx.createLink({
      description: 'd'.repeat(1000),
      require_username: 'u'.repeat(255),
      redirect_url: `https://a.example/${'x'.repeat(500 - 18)}`,
    });
    expect(link.redirect_url).toHaveLength(500);
  });
});
