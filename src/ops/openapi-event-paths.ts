// The document's events feed: GET /v1/events.
import { eventsQuery } from '../events/schemas';
import { queryParameters } from './openapi-parameters';
import { jsonResponse, shared } from './openapi-responses';
import type { PathItems } from './openapi-types';

export function eventPaths(): PathItems {
  return {
    '/v1/events': {
      get: {
        operationId: 'listEvents',
        summary:
          'Every event in the order it was recorded (30 days), whether or not WEBHOOK_URL is set: poll it from meta.next_cursor.',
        tags: ['events'],
        parameters: queryParameters(eventsQuery),
        responses: {
          '200': jsonResponse('A page', 'EventsPage'),
          '401': shared.unauthorized,
          '422': shared.unprocessable,
          '429': shared.tooMany,
          '503': shared.unavailable,
        },
      },
    },
  };
}
