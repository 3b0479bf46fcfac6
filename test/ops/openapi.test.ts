// GET /openapi.json: a valid OpenAPI 3.1 document, and the running app's real answers match it.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import supertest from 'supertest';
import type { z } from 'zod';
import {
  listOnboardingsQuery,
  type historyEntry,
  type onboarding,
} from '../../src/onboarding/schemas';
import type { OnboardingView, toHistoryView } from '../../src/onboarding/view';
import { openApiDocument, type OpenApiDocument } from '../../src/ops/openapi';
import type { ParameterObject } from '../../src/ops/openapi-types';
import { toAttemptView, toDeadLetterView } from '../../src/webhooks/routes';
import { eventsQuery } from '../../src/events/schemas';
import {
  deadLettersQuery,
  type deadLetter,
  type deliveryAttempt,
} from '../../src/webhooks/schemas';
import { PUBLIC_URL, startHarness, type Harness } from '../helpers/service-harness';
import { eventually, startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';
import { responseChecker, type ResponseChecker } from './openapi-check';
// The official OpenAPI 3.1 document schema (spec.openapis.org/oas/3.1/schema), as vendored by
// @seriousme/openapi-schema-validator (MIT). It leaves Schema Objects to the 2020-12 meta-schema.
import oasSchema from './fixtures/oas-3.1-schema.json';

// Compile-time: the views the routes send have the types of the answer schemas the document shows.
const _viewsFitTheirSchemas: [
  (view: OnboardingView) => z.output<typeof onboarding>,
  (view: ReturnType<typeof toDeadLetterView>) => z.output<typeof deadLetter>,
  (view: ReturnType<typeof toHistoryView>) => z.output<typeof historyEntry>,
  (view: ReturnType<typeof toAttemptView>) => z.output<typeof deliveryAttempt>,
] = [(view) => view, (view) => view, (view) => view, (view) => view];

describe('the OpenAPI document', () => {
  const document = openApiDocument(PUBLIC_URL);

  it('is valid against the OpenAPI 3.1 schema', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // The schema names content-type keys "media-range" (RFC 9110); any string passes here.
    ajv.addFormat('media-range', true);
    const validate = ajv.compile(oasSchema);
    const valid = validate(document);
    expect(ajv.errorsText(validate.errors)).toBe('No errors');
    expect(valid).toBe(true);

    const broken = JSON.parse(JSON.stringify(document));
    broken.paths['/healthz'].get.responses = { ok: { description: 'not a status code' } };
    expect(validate(broken)).toBe(false);
  });

  it('has component schemas that are valid JSON Schema 2020-12 and known to strict Ajv', () => {
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect([name, ajv.validateSchema(schema) && 'valid']).toEqual([name, 'valid']);
    }
    // Strict mode refuses unknown keywords and type-less keywords; compiling also resolves the $refs.
    const defs = JSON.parse(
      JSON.stringify(document.components.schemas).replaceAll('#/components/schemas/', '#/$defs/'),
    ) as Record<string, object>;
    ajv.addSchema({ $id: 'components', $defs: defs });
    for (const name of Object.keys(defs))
      expect(() => ajv.compile({ $ref: `components#/$defs/${name}` })).not.toThrow();
  });

  it('resolves every $ref of every response schema', () => {
    expect(responseChecker(document).compileAll()).toBeGreaterThan(20);
  });

  it('describes every integrator route, the probes, bearer auth and the request headers', () => {
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/healthz',
        '/readyz',
        '/v1/onboardings',
        '/v1/onboardings/{onboarding_id}',
        '/v1/onboardings/{onboarding_id}/cancel',
        '/v1/onboardings/{onboarding_id}/history',
        '/v1/onboardings/{onboarding_id}/start-link',
        '/v1/webhooks/dead-letters',
        '/v1/webhooks/dead-letters/{webhook_id}/redeliver',
        '/v1/webhooks/{webhook_id}',
        '/v1/webhooks/replay',
        '/v1/events',
      ].sort(),
    );
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.paths['/healthz']!.get!.security).toEqual([]);
    expect(document.components.parameters.IdempotencyKey!.name).toBe('Idempotency-Key');
    expect(document.components.headers['X-Request-Id']!.required).toBe(true);
    expect(document.servers).toEqual([{ url: PUBLIC_URL }]);
  });

  it("lists a list route's parameters from the query schema it validates with", () => {
    const names = (path: string) =>
      document.paths[path]!.get!.parameters!.map((p) =>
        '$ref' in p
          ? document.components.parameters[p.$ref.split('/').pop()!]!.name
          : (p as ParameterObject).name,
      );
    expect(names('/v1/onboardings')).toEqual(Object.keys(listOnboardingsQuery.shape));
    expect(names('/v1/webhooks/dead-letters')).toEqual(Object.keys(deadLettersQuery.shape));
    expect(names('/v1/events')).toEqual(Object.keys(eventsQuery.shape));
    expect(document.paths['/v1/webhooks/dead-letters']!.get!.parameters).toEqual([
      { $ref: '#/components/parameters/Limit' },
      { $ref: '#/components/parameters/Cursor' },
    ]);
  });

  it('never mentions the state', () => {
    const onboarding = document.components.schemas.Onboarding as { properties: object };
    expect(Object.keys(onboarding.properties)).not.toContain('state');
    expect(Object.keys(onboarding.properties)).not.toContain('state_hash');
  });
});

describe('the running app against its OpenAPI document', () => {
  let h: Harness;
  let api: ResponseChecker;
  let served: OpenApiDocument;
  beforeAll(async () => {
    h = await startHarness();
    const res = await supertest(h.app).get('/openapi.json').expect(200);
    served = res.body;
    api = responseChecker(served);
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves the document without authentication', () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument(PUBLIC_URL))));
  });

  it('creates (201), gets (200), lists (200) and cancels (200) as documented', async () => {
    const created = await h
      .api('post', '/v1/onboardings')
      .set('Idempotency-Key', 'openapi-1')
      .send({ ds_id: 'GA', description: 'Acme', metadata: { customer: 7 } });
    expect(created.status).toBe(201);
    api.check('post', '/v1/onboardings', created);
    const replayed = await h
      .api('post', '/v1/onboardings')
      .set('Idempotency-Key', 'openapi-1')
      .send({ ds_id: 'GA', description: 'Acme', metadata: { customer: 7 } });
    api.check('post', '/v1/onboardings', replayed);

    const id = created.body.data.onboarding_id as string;
    const got = await h.api('get', `/v1/onboardings/${id}`);
    expect(got.status).toBe(200);
    api.check('get', '/v1/onboardings/{onboarding_id}', got);

    const history = await h.api('get', `/v1/onboardings/${id}/history`);
    expect(history.status).toBe(200);
    api.check('get', '/v1/onboardings/{onboarding_id}/history', history);

    const listed = await h.api('get', '/v1/onboardings?limit=1');
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    api.check('get', '/v1/onboardings', listed);

    const cancelled = await h.api('post', `/v1/onboardings/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    api.check('post', '/v1/onboardings/{onboarding_id}/cancel', cancelled);
  });

  it('documents a completed onboarding with its login fields', async () => {
    const onboarding = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/done',
    });
    await supertest(h.app).get(h.authenticate(onboarding.link_id, 'ana@example.com')).expect(303);
    const got = await h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`);
    expect(got.body.data.status).toBe('completed');
    api.check('get', '/v1/onboardings/{onboarding_id}', got);
    const history = await h.api('get', `/v1/onboardings/${onboarding.onboarding_id}/history`);
    expect(history.body.data.at(-1).type).toBe('completed');
    api.check('get', '/v1/onboardings/{onboarding_id}/history', history);
    const conflict = await h.api('post', `/v1/onboardings/${onboarding.onboarding_id}/cancel`);
    expect(conflict.status).toBe(409);
    api.check('post', '/v1/onboardings/{onboarding_id}/cancel', conflict);
  });

  it('documents the error answers: 404, 401, 422, 400', async () => {
    const missing = await h.api('get', '/v1/onboardings/onb_doesnotexist0000');
    expect(missing.status).toBe(404);
    api.check('get', '/v1/onboardings/{onboarding_id}', missing);

    const anonymous = await supertest(h.app).get('/v1/onboardings');
    expect(anonymous.status).toBe(401);
    api.check('get', '/v1/onboardings', anonymous);

    const invalid = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA', colour: 'red' });
    expect(invalid.status).toBe(422);
    api.check('post', '/v1/onboardings', invalid);

    const badLimit = await h.api('get', '/v1/onboardings?limit=500');
    expect(badLimit.status).toBe(422);
    api.check('get', '/v1/onboardings', badLimit);

    const notJson = await h
      .api('post', '/v1/onboardings')
      .set('Content-Type', 'application/json')
      .send('{');
    expect(notJson.status).toBe(400);
    api.check('post', '/v1/onboardings', notJson);
  });

  it('accepts exactly the limits the document allows (whole numbers 1 to 100), naming the rule otherwise', async () => {
    expect(served.components.parameters.Limit!.schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 20,
    });
    for (const limit of ['1', '100', '007']) {
      const res = await h.api('get', `/v1/onboardings?limit=${limit}`);
      expect([limit, res.status]).toEqual([limit, 200]);
    }
    for (const limit of ['0', '101', '1000', '1.5', '-1', 'x', '']) {
      const res = await h.api('get', `/v1/onboardings?limit=${limit}`);
      expect([limit, res.status, res.body.error.message]).toEqual([
        limit,
        422,
        'Invalid field "limit": must be a whole number from 1 to 100',
      ]);
    }
  });

  it('agrees with the route on which creation bodies are valid', async () => {
    const bodies: [string, unknown][] = [
      ['minimal', { ds_id: 'GA' }],
      ['full', { ds_id: 'GA', expiry_time: '2 hours', description: 'd', require_username: 'ana' }],
      ['with metadata', { ds_id: 'GA', metadata: { crm: 'acct-1' } }],
      ['empty', {}],
      ['bad ds_id', { ds_id: 'G A' }],
      ['numeric ds_id', { ds_id: 7 }],
      ['unknown field', { ds_id: 'GA', colour: 'red' }],
      ['empty expiry_time', { ds_id: 'GA', expiry_time: '' }],
      ['long description', { ds_id: 'GA', description: 'x'.repeat(1001) }],
      ['empty require_username', { ds_id: 'GA', require_username: '' }],
      ['array metadata', { ds_id: 'GA', metadata: [1] }],
      ['long return_url', { ds_id: 'GA', return_url: 'x'.repeat(2001) }],
    ];
    for (const [name, body] of bodies) {
      const res = await h.api('post', '/v1/onboardings').send(body as object);
      const documented = api.acceptsBody('post', '/v1/onboardings', body);
      expect([name, res.status]).toEqual([name, documented ? 201 : 422]);
    }
  });

  it('documents the dead-letter routes', async () => {
    const list = await h.api('get', '/v1/webhooks/dead-letters');
    expect(list.status).toBe(200);
    api.check('get', '/v1/webhooks/dead-letters', list);
    const unknown = await h.api('post', '/v1/webhooks/dead-letters/msg_unknown/redeliver');
    expect(unknown.status).toBe(404);
    api.check('post', '/v1/webhooks/dead-letters/{webhook_id}/redeliver', unknown);
  });

  it('documents the events feed, a webhook with its attempts, and replay', async () => {
    const onboarding = await h.createOnboarding({ ds_id: 'GA', metadata: { crm: 'acct-9' } });
    await supertest(h.app).get(h.authenticate(onboarding.link_id)).expect(200);

    const feed = await h.api('get', '/v1/events?limit=100');
    expect(feed.status).toBe(200);
    expect(feed.body.data.length).toBeGreaterThan(0);
    api.check('get', '/v1/events', feed);
    const badCursor = await h.api('get', '/v1/events?after=nope');
    expect(badCursor.status).toBe(422);
    api.check('get', '/v1/events', badCursor);

    const id = feed.body.data.at(-1).id as string;
    const webhook = await h.api('get', `/v1/webhooks/${id}`);
    expect(webhook.status).toBe(200);
    api.check('get', '/v1/webhooks/{webhook_id}', webhook);
    const unknown = await h.api('get', '/v1/webhooks/msg_unknown');
    expect(unknown.status).toBe(404);
    api.check('get', '/v1/webhooks/{webhook_id}', unknown);

    const now = Date.now();
    const range = {
      since: new Date(now - 60_000).toISOString(),
      until: new Date(now).toISOString(),
    };
    const replayed = await h.api('post', '/v1/webhooks/replay').send(range);
    expect(replayed.status).toBe(200);
    api.check('post', '/v1/webhooks/replay', replayed);
    const refused = await h
      .api('post', '/v1/webhooks/replay')
      .send({ ...range, since: range.until, until: range.since });
    expect(refused.status).toBe(422);
    api.check('post', '/v1/webhooks/replay', refused);
    expect(api.acceptsBody('post', '/v1/webhooks/replay', range)).toBe(true);
    expect(api.acceptsBody('post', '/v1/webhooks/replay', { ...range, extra: 1 })).toBe(false);
  });

  it('documents the probes', async () => {
    api.check('get', '/healthz', await supertest(h.app).get('/healthz'));
    api.check('get', '/readyz', await supertest(h.app).get('/readyz'));
  });

  it('catches an answer that breaks the document', () => {
    const fake = {
      status: 200,
      headers: { 'x-request-id': 'r', 'content-type': 'application/json' },
      body: { meta: { request_id: 'r' }, data: { onboarding_id: 'onb_x', state: 'secret' } },
    } as unknown as supertest.Response;
    expect(() => api.check('get', '/v1/onboardings/{onboarding_id}', fake)).toThrow(
      /does not match the document/,
    );
    expect(() =>
      api.check('get', '/v1/onboardings/{onboarding_id}', { ...fake, status: 418 } as never),
    ).toThrow(/not documented/);
    const page = { ...fake, body: { meta: { request_id: 'r', next_cursor: null }, data: [] } };
    expect(() => api.check('get', '/v1/onboardings', page as never)).not.toThrow();
    page.body.meta = { ...page.body.meta, extra: 1 } as never;
    expect(() => api.check('get', '/v1/onboardings', page as never)).toThrow(
      /does not match the document/,
    );
  });
});

describe('the dead-letter answers against the OpenAPI document', () => {
  let sink: WebhookSink;
  let h: Harness;
  let api: ResponseChecker;
  beforeAll(async () => {
    sink = await startWebhookSink();
    h = await startHarness({ webhooks: { url: sink.url } });
    api = responseChecker(openApiDocument(PUBLIC_URL));
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  it('lists a refused webhook (410) and redelivers it as documented', async () => {
    sink.script({ status: 410 });
    const onboarding = await h.createOnboarding({ ds_id: 'GA' });
    await supertest(h.app).get(h.authenticate(onboarding.link_id)).expect(200);
    await eventually(
      async () => (await h.storage.webhookQueue.stats(Date.now())).deadLetters === 1,
      5000,
      'dead letter',
    );

    const list = await h.api('get', '/v1/webhooks/dead-letters');
    expect(list.body.data).toHaveLength(1);
    api.check('get', '/v1/webhooks/dead-letters', list);

    const id = list.body.data[0].webhook_id as string;
    const redelivered = await h.api('post', `/v1/webhooks/dead-letters/${id}/redeliver`);
    expect(redelivered.status).toBe(200);
    api.check('post', '/v1/webhooks/dead-letters/{webhook_id}/redeliver', redelivered);
    await sink.waitFor(2);
  });
});
