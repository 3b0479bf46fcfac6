// The document's webhook operations: one webhook's deliveries, replay, and the dead letters (list them,
// put one back in the delivery queue).
import { deadLettersQuery, webhookId } from '../webhooks/schemas';
import { parameter, queryParameters } from './openapi-parameters';
import { errorResponse, jsonResponse, shared } from './openapi-responses';
import { schemaRef } from './openapi-schemas';
import type { PathItems } from './openapi-types';

export function webhookPaths(): PathItems {
  return {
    '/v1/webhooks/{webhook_id}': {
      get: {
        operationId: 'getWebhook',
        summary:
          'One webhook: its event, where its delivery stands, and every attempt (kept 30 days).',
        tags: ['webhooks'],
        parameters: [parameter('webhook_id', 'path', webhookId)],
        responses: {
          '200': jsonResponse('The webhook', 'WebhookDeliveriesAnswer'),
          '401': shared.unauthorized,
          '404': shared.notFound,
          '429': shared.tooMany,
          '503': shared.unavailable,
        },
      },
    },
    '/v1/webhooks/replay': {
      post: {
        operationId: 'replayWebhooks',
        summary:
          'Queue again every event recorded in a range (at most 7 days, within the last 30), with the same webhook-id.',
        description:
          'An event still waiting in the queue is not queued twice, nor one another replay queued meanwhile. A replay adds nothing to the events feed.',
        tags: ['webhooks'],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: schemaRef('ReplayRequest') } },
        },
        responses: {
          '200': jsonResponse('Queued', 'ReplayAnswer'),
          '400': errorResponse('The body is not JSON', ['BAD_REQUEST']),
          '401': shared.unauthorized,
          '409': errorResponse('WEBHOOK_URL is not set', ['CONFLICT']),
          '422': shared.unprocessable,
          '429': shared.tooMany,
          '503': shared.unavailable,
        },
      },
    },
    '/v1/webhooks/dead-letters': {
      get: {
        operationId: 'listDeadLetters',
        summary: 'Webhooks that ran out of retries or were refused, newest first.',
        tags: ['webhooks'],
        parameters: queryParameters(deadLettersQuery),
        responses: {
          '200': jsonResponse('A page', 'DeadLetterPage'),
          '401': shared.unauthorized,
          '422': shared.unprocessable,
          '429': shared.tooMany,
          '503': shared.unavailable,
        },
      },
    },
    '/v1/webhooks/dead-letters/{webhook_id}/redeliver': {
      post: {
        operationId: 'redeliverDeadLetter',
        summary: 'Put a dead letter back in the delivery queue (attempts reset, same webhook-id).',
        tags: ['webhooks'],
        parameters: [parameter('webhook_id', 'path', webhookId)],
        responses: {
          '200': jsonResponse('Queued', 'RedeliverAnswer'),
          '401': shared.unauthorized,
          '404': shared.notFound,
          '429': shared.tooMany,
          '503': shared.unavailable,
        },
      },
    },
  };
}
