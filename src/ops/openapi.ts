// GET /openapi.json: the OpenAPI 3.1 description of the integrator API (schemas are JSON Schema 2020-12).
import { Router } from 'express';

/** A JSON Schema 2020-12 object (OpenAPI 3.1 Schema Object). */
export type SchemaObject = { [keyword: string]: unknown };

interface MediaType {
  schema: SchemaObject;
}

interface ResponseObject {
  description: string;
  headers?: Record<string, { $ref: string } | { description: string; schema: SchemaObject }>;
  content?: Record<string, MediaType>;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: SchemaObject;
}

interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: (ParameterObject | { $ref: string })[];
  requestBody?: { required: boolean; content: Record<string, MediaType> };
  responses: Record<string, ResponseObject | { $ref: string }>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Partial<Record<'get' | 'post', OperationObject>>>;
  components: {
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>;
    schemas: Record<string, SchemaObject>;
    parameters: Record<string, ParameterObject>;
    headers: Record<string, { description: string; required?: boolean; schema: SchemaObject }>;
    responses: Record<string, ResponseObject>;
  };
}

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const nullable = (schema: SchemaObject): SchemaObject => ({ oneOf: [schema, { type: 'null' }] });
const isoTime: SchemaObject = { type: 'string', format: 'date-time' };
const requestIdHeader = { 'X-Request-Id': ref('headers', 'X-Request-Id') };

function jsonResponse(description: string, schema: SchemaObject): ResponseObject {
  return { description, headers: requestIdHeader, content: { 'application/json': { schema } } };
}

/** `{meta, data}` with `data` of the given schema; `listMeta` adds meta.next_cursor. */
function dataEnvelope(data: SchemaObject, listMeta = false): SchemaObject {
  return {
    type: 'object',
    required: ['meta', 'data'],
    additionalProperties: false,
    properties: { meta: ref('schemas', listMeta ? 'ListMeta' : 'Meta'), data },
  };
}

function errorResponse(description: string, codes: string[]): ResponseObject {
  return {
    description: `${description} (${codes.join(', ')})`,
    headers: requestIdHeader,
    content: { 'application/json': { schema: ref('schemas', 'ErrorEnvelope') } },
  };
}

const onboardingSchema: SchemaObject = {
  type: 'object',
  description: 'An onboarding. The state value is never returned.',
  additionalProperties: false,
  required: [
    'onboarding_id',
    'status',
    'ds_id',
    'ds_name',
    'link_id',
    'login_url',
    'description',
    'require_username',
    'return_url',
    'metadata',
    'created_time',
    'expiry_time',
    'completed_time',
    'completed_via',
    'login_id',
    'login_username',
    'login_time',
    'last_error',
  ],
  properties: {
    onboarding_id: { type: 'string', pattern: '^onb_[A-Za-z0-9_-]{10,64}$' },
    status: { enum: ['pending', 'completed', 'expired', 'cancelled'] },
    ds_id: { type: 'string', examples: ['GA'] },
    ds_name: { type: 'string', examples: ['Google Analytics'] },
    link_id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,50}$' },
    login_url: { type: 'string', format: 'uri', description: 'Send the customer here.' },
    description: { type: 'string' },
    require_username: nullable({ type: 'string' }),
    return_url: nullable({ type: 'string', format: 'uri' }),
    metadata: nullable({ type: 'object', description: 'Your JSON object, at most 4 KiB.' }),
    created_time: isoTime,
    expiry_time: isoTime,
    completed_time: nullable(isoTime),
    completed_via: nullable({ enum: ['callback', 'reconciliation'] }),
    login_id: nullable({ type: 'string' }),
    login_username: nullable({ type: 'string' }),
    login_time: nullable(isoTime),
    last_error: nullable({
      type: 'object',
      description: 'The last failed callback of a pending onboarding.',
      required: ['code', 'message', 'time'],
      additionalProperties: false,
      properties: { code: { type: 'string' }, message: { type: 'string' }, time: isoTime },
    }),
  },
};

const createOnboardingBody: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['ds_id'],
  properties: {
    ds_id: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,50}$', examples: ['GA'] },
    expiry_time: {
      type: 'string',
      minLength: 1,
      maxLength: 100,
      default: '24 hours',
      description: 'A date, a datetime or a relative time ("24 hours"), as the upstream reads it.',
    },
    description: { type: 'string', maxLength: 1000, default: '' },
    require_username: { type: 'string', minLength: 1, maxLength: 255 },
    return_url: {
      type: 'string',
      maxLength: 2000,
      description: 'Where the browser goes after the callback; its origin must be allowed.',
    },
    metadata: { type: 'object', description: 'Any JSON object up to 4 KiB.' },
  },
};

const deadLetterSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'webhook_id',
    'onboarding_id',
    'body',
    'attempts',
    'last_error',
    'enqueued_time',
    'dead_time',
  ],
  properties: {
    webhook_id: { type: 'string', pattern: '^msg_[A-Za-z0-9_-]{1,64}$' },
    onboarding_id: { type: 'string' },
    body: { type: 'string', description: 'The exact JSON body that was POSTed.' },
    attempts: { type: 'integer', minimum: 0 },
    last_error: nullable({ type: 'string' }),
    enqueued_time: isoTime,
    dead_time: isoTime,
  },
};

const onboardingIdParameter = { $ref: '#/components/parameters/OnboardingId' };
const unauthorized = ref('responses', 'Unauthorized');
const unavailable = ref('responses', 'ServiceUnavailable');
const tooMany = ref('responses', 'TooManyRequests');

export function openApiDocument(publicUrl: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'login-link-receiver',
      version: '1',
      description:
        'Starts Supermetrics login-link onboardings and reports their completion. Every response carries meta.request_id (also the X-Request-Id header); every error uses the envelope {meta, error: {code, message, description?}}.',
    },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'onboardings', description: 'Create, read, list and cancel onboardings.' },
      { name: 'webhooks', description: 'Dead letters of the webhook delivery queue.' },
      { name: 'operations', description: 'Health and readiness probes (no authentication).' },
    ],
    security: [{ bearerAuth: [] }],
    paths: {
      '/v1/onboardings': {
        post: {
          operationId: 'createOnboarding',
          summary: 'Start an onboarding: creates the upstream login link.',
          tags: ['onboardings'],
          parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('schemas', 'CreateOnboardingRequest') } },
          },
          responses: {
            '201': {
              ...jsonResponse('Created (or replayed)', dataEnvelope(ref('schemas', 'Onboarding'))),
              headers: {
                ...requestIdHeader,
                'Idempotent-Replayed': {
                  description: '"true" when this is the stored first result of the same key.',
                  schema: { const: 'true' },
                },
              },
            },
            '400': errorResponse('The body is not JSON', ['BAD_REQUEST']),
            '401': unauthorized,
            '403': errorResponse('The team has too many open links', ['LINK_LIMIT_EXCEEDED']),
            '409': errorResponse('A request with this Idempotency-Key is in progress', [
              'CONFLICT',
            ]),
            '422': ref('responses', 'UnprocessableEntity'),
            '429': tooMany,
            '502': errorResponse('The upstream failed', ['UPSTREAM_ERROR']),
            '503': unavailable,
          },
        },
        get: {
          operationId: 'listOnboardings',
          summary: 'A page of onboardings, newest first.',
          tags: ['onboardings'],
          parameters: [
            {
              name: 'status',
              in: 'query',
              schema: { enum: ['pending', 'completed', 'expired', 'cancelled'] },
            },
            ref('parameters', 'Limit'),
            ref('parameters', 'Cursor'),
          ],
          responses: {
            '200': jsonResponse(
              'A page',
              dataEnvelope({ type: 'array', items: ref('schemas', 'Onboarding') }, true),
            ),
            '401': unauthorized,
            '422': ref('responses', 'UnprocessableEntity'),
            '429': tooMany,
            '503': unavailable,
          },
        },
      },
      '/v1/onboardings/{onboarding_id}': {
        get: {
          operationId: 'getOnboarding',
          summary: 'One onboarding.',
          tags: ['onboardings'],
          parameters: [onboardingIdParameter],
          responses: {
            '200': jsonResponse('The onboarding', dataEnvelope(ref('schemas', 'Onboarding'))),
            '401': unauthorized,
            '404': ref('responses', 'NotFound'),
            '429': tooMany,
            '503': unavailable,
          },
        },
      },
      '/v1/onboardings/{onboarding_id}/cancel': {
        post: {
          operationId: 'cancelOnboarding',
          summary: 'Cancel a pending onboarding and close its upstream link.',
          description: 'Cancelling a cancelled onboarding answers it again.',
          tags: ['onboardings'],
          parameters: [onboardingIdParameter],
          responses: {
            '200': jsonResponse('Cancelled', dataEnvelope(ref('schemas', 'Onboarding'))),
            '401': unauthorized,
            '404': ref('responses', 'NotFound'),
            '409': errorResponse('The onboarding is completed or expired', ['CONFLICT']),
            '429': tooMany,
            '503': unavailable,
          },
        },
      },
      '/v1/webhooks/dead-letters': {
        get: {
          operationId: 'listDeadLetters',
          summary: 'Webhooks that ran out of retries or were refused, newest first.',
          tags: ['webhooks'],
          parameters: [ref('parameters', 'Limit'), ref('parameters', 'Cursor')],
          responses: {
            '200': jsonResponse(
              'A page',
              dataEnvelope({ type: 'array', items: ref('schemas', 'DeadLetter') }, true),
            ),
            '401': unauthorized,
            '422': ref('responses', 'UnprocessableEntity'),
            '429': tooMany,
            '503': unavailable,
          },
        },
      },
      '/v1/webhooks/dead-letters/{webhook_id}/redeliver': {
        post: {
          operationId: 'redeliverDeadLetter',
          summary:
            'Put a dead letter back in the delivery queue (attempts reset, same webhook-id).',
          tags: ['webhooks'],
          parameters: [
            {
              name: 'webhook_id',
              in: 'path',
              required: true,
              schema: { type: 'string', pattern: '^msg_[A-Za-z0-9_-]{1,64}$' },
            },
          ],
          responses: {
            '200': jsonResponse(
              'Queued',
              dataEnvelope({
                type: 'object',
                required: ['webhook_id', 'status'],
                properties: { webhook_id: { type: 'string' }, status: { const: 'queued' } },
              }),
            ),
            '401': unauthorized,
            '404': ref('responses', 'NotFound'),
            '429': tooMany,
            '503': unavailable,
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'healthz',
          summary: 'The process is alive.',
          tags: ['operations'],
          security: [],
          responses: {
            '200': {
              description: 'Alive',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status'],
                    properties: { status: { const: 'ok' } },
                  },
                },
              },
            },
          },
        },
      },
      '/readyz': {
        get: {
          operationId: 'readyz',
          summary: 'Ready: Redis answers.',
          tags: ['operations'],
          security: [],
          responses: {
            '200': {
              description: 'Ready',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status'],
                    properties: { status: { const: 'ready' } },
                  },
                },
              },
            },
            '503': {
              description: 'Redis does not answer',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status'],
                    properties: { status: { const: 'unavailable' }, reason: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'One of the API_KEYS (Authorization: Bearer <key>).',
        },
      },
      schemas: {
        Meta: {
          type: 'object',
          required: ['request_id'],
          properties: { request_id: { type: 'string' } },
        },
        ListMeta: {
          type: 'object',
          required: ['request_id', 'next_cursor'],
          properties: {
            request_id: { type: 'string' },
            next_cursor: nullable({
              type: 'string',
              description: 'Pass as cursor for the next page; null on the last page.',
            }),
          },
        },
        ErrorEnvelope: {
          type: 'object',
          required: ['meta', 'error'],
          additionalProperties: false,
          properties: {
            meta: ref('schemas', 'Meta'),
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', examples: ['NOT_FOUND'] },
                message: { type: 'string' },
                description: { type: 'string' },
                field: nullable({ type: 'string', description: 'The invalid field (422).' }),
              },
            },
          },
        },
        Onboarding: onboardingSchema,
        CreateOnboardingRequest: createOnboardingBody,
        DeadLetter: deadLetterSchema,
      },
      parameters: {
        OnboardingId: {
          name: 'onboarding_id',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^onb_[A-Za-z0-9_-]{10,64}$' },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          description:
            'Makes a retried POST return the first result (scoped to your API key, kept 24 hours); the same key with another body is refused (422).',
          schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' },
        },
        Limit: {
          name: 'limit',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        },
        Cursor: {
          name: 'cursor',
          in: 'query',
          description: 'meta.next_cursor of the previous page.',
          schema: { type: 'string', maxLength: 512 },
        },
      },
      headers: {
        'X-Request-Id': {
          description:
            'The request id (also meta.request_id). A well-formed incoming X-Request-Id (8–64 of A-Z a-z 0-9 _ -) is reused.',
          required: true,
          schema: { type: 'string' },
        },
        'Retry-After': {
          description: 'Seconds to wait before retrying.',
          schema: { type: 'integer', minimum: 0 },
        },
      },
      responses: {
        Unauthorized: errorResponse('Missing or unknown API key', ['UNAUTHORIZED']),
        NotFound: errorResponse('No such resource', ['NOT_FOUND']),
        UnprocessableEntity: errorResponse('Invalid input; error.field names it', [
          'UNPROCESSABLE_ENTITY',
        ]),
        TooManyRequests: {
          ...errorResponse('Rate limited', ['TOO_MANY_REQUESTS']),
          headers: { ...requestIdHeader, 'Retry-After': ref('headers', 'Retry-After') },
        },
        ServiceUnavailable: {
          ...errorResponse('Redis is unreachable; retry shortly', ['SERVICE_UNAVAILABLE']),
          headers: { ...requestIdHeader, 'Retry-After': ref('headers', 'Retry-After') },
        },
      },
    },
  };
}

export function openApiRoutes(publicUrl: string): Router {
  const document = JSON.stringify(openApiDocument(publicUrl));
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  return router;
}
