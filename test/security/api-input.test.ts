// The integrator API under attack: key injection through ids, cursors and Idempotency-Key, JSON body
// tricks, API-key scoping of idempotency, constant-time auth, request-id injection, redirect safety.
import crypto from 'node:crypto';
import supertest from 'supertest';
import { gzipSync } from 'node:zlib';
import { API_KEY, startHarness, type Harness } from '../helpers/service-harness';

const SECOND_KEY = 'second-api-key-9876543210';

/** Every key under the harness's prefix except the rate limiter's counters (every API call counts). */
async function allKeys(h: Harness): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await h.redis!.redis.scan(cursor, 'MATCH', `${h.redis!.prefix}:*`);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.filter((key) => !key.startsWith(`${h.redis!.prefix}:rl:`));
}

describe('security: integrator API inputs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { API_KEYS: `${API_KEY},${SECOND_KEY}` } });
  });
  afterEach(async () => {
    await h.close();
  });

  const as = (key: string, method: 'get' | 'post', path: string) =>
    supertest(h.app)[method](path).set('Authorization', `Bearer ${key}`);

  it('onboarding ids with braces, globs, colons, newlines, unicode or huge length are 404 and touch no key', async () => {
    const before = (await allKeys(h)).sort();
    for (const id of [
      'onb_{webhooks}aaaaaaaaaa',
      'onb_*',
      'onb_aaaaaaaaaa*',
      'onb_aaaaaaaaaa:onb',
      'onb_aaaaaaaaaa%0Aonb',
      'onb_aaaaaaaaaa%0D%0AFLUSHALL',
      'onb_%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9',
      `onb_${'a'.repeat(5000)}`,
      'onb_aaaaaaaaaa%00',
      '..%2F..%2Fhealthz',
    ]) {
      const got = await h.api('get', `/v1/onboardings/${id}`);
      expect(got.status).toBe(404);
      expect(got.body.error.code).toBe('NOT_FOUND');
      const cancel = await h.api('post', `/v1/onboardings/${id}/cancel`);
      expect(cancel.status).toBe(404);
    }
    expect((await allKeys(h)).sort()).toEqual(before);
  });

  it('cursors that are not ours are 422, never 500, and name the field', async () => {
    const forged = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const cursor of [
      '*',
      '{webhooks}',
      'a\nb',
      forged({ s: 1, i: 'onb_{x}' }),
      forged({ s: 1, i: 'a\nb' }),
      forged({ s: '+inf', i: 'onb_x' }),
      forged({ s: 1e300, i: 'onb_x' }),
      forged({ s: 1, i: 'x'.repeat(300) }),
      forged({ __proto__: { s: 1, i: 'onb_x' } }),
      forged([1, 2]),
      'x'.repeat(600),
    ]) {
      const res = await h.api('get', '/v1/onboardings').query({ cursor });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('UNPROCESSABLE_ENTITY');
      expect(res.body.error.field).toBe('cursor');
    }
    const repeated = await h.api('get', '/v1/onboardings?cursor=a&cursor=b');
    expect(repeated.status).toBe(422);
    const bracket = await h.api('get', '/v1/onboardings?cursor[a]=b');
    expect(bracket.status).toBe(422);
    const status = await h.api('get', '/v1/onboardings?status[]=pending');
    expect(status.status).toBe(422);
  });

  it('dead-letter webhook ids with injection characters are 404 and touch no key', async () => {
    const before = (await allKeys(h)).sort();
    for (const id of ['msg_*', 'msg_a}b{', 'msg_a%0Ab', 'w:msg_a', `msg_${'a'.repeat(65)}`]) {
      const res = await h.api('post', `/v1/webhooks/dead-letters/${id}/redeliver`);
      expect(res.status).toBe(404);
    }
    const list = await h.api('get', '/v1/webhooks/dead-letters').query({ cursor: '{x}*' });
    expect(list.status).toBe(422);
    expect((await allKeys(h)).sort()).toEqual(before);
  });

  it('a well-formed dead-letter cursor that is not ours is 422 naming the field, never 503', async () => {
    const forged = Buffer.from(JSON.stringify({ s: 1, i: 'a\nb' })).toString('base64url');
    const res = await h.api('get', '/v1/webhooks/dead-letters').query({ cursor: forged });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'UNPROCESSABLE_ENTITY', field: 'cursor' });
  });

  it('Idempotency-Key: empty, with a space, non-ASCII or over 255 characters is 422 and reaches no upstream; the raw key never becomes a Redis key', async () => {
    // An empty key is refused, not taken as "no key": a client that meant to send one would
    // otherwise get a second upstream link on its retry.
    for (const key of ['a b', 'é', 'x'.repeat(256), '']) {
      const res = await h
        .api('post', '/v1/onboardings')
        .set('Idempotency-Key', key)
        .send({ ds_id: 'GA' });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({
        code: 'UNPROCESSABLE_ENTITY',
        field: 'Idempotency-Key',
      });
    }
    expect(h.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(0);
    const weird = '{webhooks}*:idem:\\x';
    const res = await h
      .api('post', '/v1/onboardings')
      .set('Idempotency-Key', weird)
      .send({ ds_id: 'GA' });
    expect(res.status).toBe(201);
    for (const key of await allKeys(h)) {
      expect(key).not.toContain(weird);
      expect(key).not.toContain('*');
    }
  });

  it("a second API key cannot read the first key's onboarding through the same Idempotency-Key", async () => {
    const body = { ds_id: 'GA', description: 'tenant one', metadata: { secret_ref: 'one' } };
    const first = await as(API_KEY, 'post', '/v1/onboardings')
      .set('Idempotency-Key', 'order-42')
      .send(body);
    expect(first.status).toBe(201);
    const again = await as(API_KEY, 'post', '/v1/onboardings')
      .set('Idempotency-Key', 'order-42')
      .send(body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.data.onboarding_id).toBe(first.body.data.onboarding_id);

    const other = await as(SECOND_KEY, 'post', '/v1/onboardings')
      .set('Idempotency-Key', 'order-42')
      .send(body);
    expect(other.status).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body.data.onboarding_id).not.toBe(first.body.data.onboarding_id);
    expect(other.body.data.link_id).not.toBe(first.body.data.link_id);

    // A different body under the second key does not reveal anything about the first key's claim.
    const different = await as(SECOND_KEY, 'post', '/v1/onboardings')
      .set('Idempotency-Key', 'order-43')
      .send({ ds_id: 'GA' });
    expect(different.status).toBe(201);
  });

  it('JSON body tricks: __proto__ / constructor / unknown keys refused, duplicates parsed as JSON does, no pollution', async () => {
    const raw = (text: string, type = 'application/json') =>
      h.api('post', '/v1/onboardings').set('Content-Type', type).send(text);
    expect((await raw('{"ds_id":"GA","__proto__":{"polluted":1}}')).status).toBe(422);
    expect((await raw('{"ds_id":"GA","constructor":{"prototype":{"polluted":1}}}')).status).toBe(
      422,
    );
    expect((await raw('{"ds_id":"GA","state":"x"}')).status).toBe(422);
    const dup = await raw('{"ds_id":"GA","ds_id":"../../x"}');
    expect(dup.status).toBe(422);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    expect((await raw('[1,2]')).status).toBe(422);
    expect((await raw('"GA"')).status).toBe(400);
    expect((await raw('null')).status).toBe(400);
    expect((await raw('{"ds_id":"GA"', 'application/json')).status).toBe(400);
    expect((await raw('ds_id=GA', 'application/x-www-form-urlencoded')).status).toBe(422);
    expect((await raw('{"ds_id":"GA"}', 'text/plain')).status).toBe(422);
    const utf16 = await raw('{"ds_id":"GA"}', 'application/json; charset=utf-16');
    expect(utf16.status).toBeGreaterThanOrEqual(400);
    expect(utf16.status).toBeLessThan(500);
  });

  it('deep nesting and oversize bodies are refused cleanly (4xx), never 500', async () => {
    const deep = `{"ds_id":"GA","metadata":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const r1 = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .send(deep);
    expect(r1.status).toBeGreaterThanOrEqual(400);
    expect(r1.status).toBeLessThan(500);
    const big = JSON.stringify({ ds_id: 'GA', description: 'x'.repeat(17 * 1024) });
    const r2 = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .send(big);
    expect(r2.status).toBe(413);
    expect(r2.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const meta = { ds_id: 'GA', metadata: { blob: 'x'.repeat(4100) } };
    const r3 = await h.api('post', '/v1/onboardings').send(meta);
    expect(r3.status).toBe(422);
    expect(r3.body.error.field).toBe('metadata');
  });

  it('a corrupt gzip body is a client error (4xx), not a 500', async () => {
    const res = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(Buffer.from('this is not gzip at all'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const ok = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(JSON.stringify({ ds_id: 'GA' })));
    expect([201, 415]).toContain(ok.status);
    if (ok.status === 415) expect(ok.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('metadata with a "__proto__" key is either kept verbatim or refused, never silently dropped', async () => {
    const text = '{"ds_id":"GA","metadata":{"__proto__":{"isAdmin":true},"customer":7}}';
    const res = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .send(text);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    if (res.status === 201) {
      const metadata = res.body.data.metadata as Record<string, unknown>;
      expect(Object.prototype.hasOwnProperty.call(metadata, '__proto__')).toBe(true);
      expect(Object.keys(metadata)).toContain('customer');
    } else {
      expect(res.status).toBe(422);
      expect(res.body.error.field).toMatch(/^metadata/);
    }
  });

  it('nested __proto__ keys inside metadata are refused like top-level ones; constructor is plain data', async () => {
    const nestedProto = '{"ds_id":"GA","metadata":{"nested":{"__proto__":{"isAdmin":true}}}}';
    const refused = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .send(nestedProto);
    expect(refused.status).toBe(422);
    expect(refused.body.error.field).toBe('metadata');
    const text = '{"ds_id":"GA","metadata":{"nested":{"constructor":{"prototype":{"x":1}}}}}';
    const res = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .send(text);
    expect(res.status).toBe(201);
    const fetched = await h.api('get', `/v1/onboardings/${res.body.data.onboarding_id}`);
    expect(JSON.stringify(fetched.body.data.metadata)).toBe(
      '{"nested":{"constructor":{"prototype":{"x":1}}}}',
    );
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('security: authentication is constant-time and strict', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ store: 'memory', env: { API_KEYS: `${API_KEY},${SECOND_KEY}` } });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await h.close();
  });

  it('compares fixed-size digests with timingSafeEqual against every configured key, whatever the length', async () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    for (const presented of ['x', API_KEY.slice(0, -1), `${API_KEY}x`, 'y'.repeat(512)]) {
      spy.mockClear();
      const res = await supertest(h.app)
        .get('/v1/onboardings')
        .set('Authorization', `Bearer ${presented}`);
      expect(res.status).toBe(401);
      expect(spy).toHaveBeenCalledTimes(2);
      for (const [a, b] of spy.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
    }
    spy.mockClear();
    await supertest(h.app)
      .get('/v1/onboardings')
      .set('Authorization', `Bearer ${API_KEY}`)
      .expect(200);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('refuses keys with extra whitespace, other schemes, prefixes/suffixes or over 512 characters', async () => {
    for (const header of [
      // (Leading/trailing spaces are optional whitespace that Node's HTTP parser strips: not tested.)
      `Bearer\t${API_KEY}`,
      `Token ${API_KEY}`,
      `Bearer ${API_KEY},${SECOND_KEY}`,
      `Bearer ${API_KEY.toUpperCase()}`,
      `Bearer ${'k'.repeat(513)}`,
    ]) {
      const res = await supertest(h.app).get('/v1/onboardings').set('Authorization', header);
      expect(res.status).toBe(401);
    }
  });

  it('the callback verifier and state hash are compared with timingSafeEqual on equal-length digests', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const query = new URLSearchParams(path.split('?')[1]);
    await supertest(h.app)
      .get(
        `/callback?state=${query.get('state')}&link_id=${onboarding.link_id}&link_verifier=short`,
      )
      .expect(400);
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(2);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe((b as Buffer).length);
      expect((a as Buffer).length).toBe(32);
    }
  });
});

describe('security: request ids and redirects', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ store: 'memory' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('a hostile X-Request-Id is replaced, never echoed, logged or sent upstream', async () => {
    const hostile = 'abc"},"level":60,"msg":"forged';
    const res = await h
      .api('post', '/v1/onboardings')
      .set('X-Request-Id', hostile)
      .send({ ds_id: 'GA' });
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(res.body.meta.request_id).toBe(res.headers['x-request-id']);
    expect(h.log.text()).not.toContain(hostile);
    for (const r of h.sim.requests) {
      const sent = r.headers['x-request-id'];
      if (sent !== undefined) expect(String(sent)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
    const long = 'a'.repeat(65);
    const r2 = await h.api('get', '/v1/onboardings').set('X-Request-Id', long);
    expect(r2.headers['x-request-id']).not.toBe(long);
  });

  it('a well-formed X-Request-Id is reused and forwarded upstream', async () => {
    const id = 'req_0123456789abcdef';
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const res = await supertest(h.app).get(path).set('X-Request-Id', id);
    expect(res.headers['x-request-id']).toBe(id);
    const gets = h.sim.requests.filter((r) => r.endpoint === 'get');
    expect(gets[gets.length - 1]!.headers['x-request-id']).toBe(id);
  });

  it('return_url tricks are refused at creation', async () => {
    for (const url of [
      'https://app.example.com@evil.example/',
      'https://evil.example/?https://app.example.com',
      'https://app.example.com.evil.example/',
      '//evil.example/',
      'javascript:alert(1)//https://app.example.com',
      'https://app.example.com\\@evil.example',
      'https://app.example.com%2F@evil.example',
      'https://app.example.com\t/x',
      'https://user:pw@app.example.com/',
      'http://app.example.com/',
      'https://xn--pp-7ba.example.com/',
      'https://app.example.com:8443/',
    ]) {
      const res = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA', return_url: url });
      expect(res.status).toBe(422);
      expect(res.body.error.field).toBe('return_url');
    }
  });

  it("the failure redirect adds only a fixed error code, and A's callback never redirects to B's return_url", async () => {
    const a = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/a?status=completed&error=%3Cscript%3E#frag',
    });
    const b = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/b',
    });
    const aPath = h.authenticate(a.link_id);
    const bPath = h.authenticate(b.link_id);
    const aState = new URLSearchParams(aPath.split('?')[1]).get('state')!;
    const bQuery = new URLSearchParams(bPath.split('?')[1]);

    // A's state with B's link and verifier: a failure about A, redirected to A's return_url only.
    const res = await supertest(h.app).get(
      `/callback?state=${aState}&link_id=${b.link_id}&link_verifier=${encodeURIComponent(bQuery.get('link_verifier')!)}&error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&status=completed`,
    );
    expect(res.status).toBe(303);
    const location = new URL(res.headers.location!);
    expect(location.origin).toBe('https://app.example.com');
    expect(location.pathname).toBe('/a');
    expect(location.searchParams.getAll('status')).toEqual(['failed']);
    expect(location.searchParams.getAll('error')).toEqual(['LINK_MISMATCH']);
    expect(location.searchParams.getAll('onboarding_id')).toEqual([a.onboarding_id]);
    expect(res.headers.location).not.toMatch(/script/i);
    expect(res.headers.location).not.toContain(aState);

    // The real callbacks go to their own return_url.
    const okA = await supertest(h.app).get(aPath);
    expect(new URL(okA.headers.location!).pathname).toBe('/a');
    expect(new URL(okA.headers.location!).searchParams.getAll('status')).toEqual(['completed']);
    const okB = await supertest(h.app).get(bPath);
    expect(new URL(okB.headers.location!).pathname).toBe('/b');
    expect(okB.headers.location).not.toContain(bQuery.get('link_verifier')!);
  });

  it('an unknown state never redirects anywhere (no return_url is revealed)', async () => {
    const a = await h.createOnboarding({ ds_id: 'GA', return_url: 'https://app.example.com/a' });
    const res = await supertest(h.app).get(
      `/callback?state=${'Q'.repeat(43)}&link_id=${a.link_id}&link_verifier=x`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toContain('app.example.com');
  });
});
