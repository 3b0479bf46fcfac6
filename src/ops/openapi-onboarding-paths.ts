// The document's /v1/onboardings operations: create, list, get, history, cancel and a new start link.
import { listOnboardingsQuery } from '../onboarding/schemas';
import { queryParameters } from './openapi-parameters';
import { errorResponse, jsonResponse, shared } from './openapi-responses';
import { schemaRef } from './openapi-schemas';
import { ref, type OperationObject, type PathItems } from './openapi-types';

const onboardingIdParameter = ref('parameters', 'OnboardingId');

function createOnboarding(): OperationObject {
  return {
    operationId: 'createOnboarding',
    summary:
      'Start an onboarding: creates the upstream login link now, or (create_link "on_open") when the customer opens the start link.',
    tags: ['onboardings'],
    parameters: [ref('parameters', 'IdempotencyKey')],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: schemaRef('CreateOnboardingRequest') } },
    },
    responses: {
      '201': jsonResponse('Created (or replayed)', 'OnboardingWithStartUrlAnswer', {
        'X-Request-Id': ref('headers', 'X-Request-Id'),
        'Idempotent-Replayed': {
          description: '"true" when this is the stored first result of the same key.',
          schema: { const: 'true' },
        },
      }),
      '400': errorResponse('The body is not JSON', ['BAD_REQUEST']),
      '401': shared.unauthorized,
      '403': errorResponse('The team has too many open links', ['LINK_LIMIT_EXCEEDED']),
      '409': errorResponse('A request with this Idempotency-Key is in progress', ['CONFLICT']),
      '422': shared.unprocessable,
      '429': shared.tooMany,
      '502': errorResponse('The upstream failed', ['UPSTREAM_ERROR']),
      '503': shared.unavailable,
    },
  };
}

function listOnboardings(): OperationObject {
  return {
    operationId: 'listOnboardings',
    summary: 'A page of onboardings, newest first.',
    tags: ['onboardings'],
    parameters: queryParameters(listOnboardingsQuery),
    responses: {
      '200': jsonResponse('A page', 'OnboardingPage'),
      '401': shared.unauthorized,
      '422': shared.unprocessable,
      '429': shared.tooMany,
      '503': shared.unavailable,
    },
  };
}

function getOnboarding(): OperationObject {
  return {
    operationId: 'getOnboarding',
    summary: 'One onboarding.',
    tags: ['onboardings'],
    parameters: [onboardingIdParameter],
    responses: {
      '200': jsonResponse('The onboarding', 'OnboardingAnswer'),
      '401': shared.unauthorized,
      '404': shared.notFound,
      '429': shared.tooMany,
      '503': shared.unavailable,
    },
  };
}

function cancelOnboarding(): OperationObject {
  return {
    operationId: 'cancelOnboarding',
    summary: 'Cancel a pending onboarding and close its upstream link.',
    description: 'Cancelling a cancelled onboarding answers it again.',
    tags: ['onboardings'],
    parameters: [onboardingIdParameter],
    responses: {
      '200': jsonResponse('Cancelled', 'OnboardingAnswer'),
      '401': shared.unauthorized,
      '404': shared.notFound,
      '409': errorResponse('The onboarding is completed or expired', ['CONFLICT']),
      '429': shared.tooMany,
      '503': shared.unavailable,
    },
  };
}

function reissueStartLink(): OperationObject {
  return {
    operationId: 'reissueStartLink',
    summary: 'A new start link for a pending onboarding; the previous one stops working at once.',
    tags: ['onboardings'],
    parameters: [onboardingIdParameter],
    responses: {
      '200': jsonResponse('The onboarding with its new start_url', 'OnboardingWithStartUrlAnswer'),
      '401': shared.unauthorized,
      '404': shared.notFound,
      '409': errorResponse('The onboarding is not pending', ['CONFLICT']),
      '429': shared.tooMany,
      '503': shared.unavailable,
    },
  };
}

function getOnboardingHistory(): OperationObject {
  return {
    operationId: 'getOnboardingHistory',
    summary:
      'What happened to one onboarding, oldest first: at most 100 entries (the first and the newest), meta.omitted counting the rest.',
    tags: ['onboardings'],
    parameters: [onboardingIdParameter],
    responses: {
      '200': jsonResponse('The history', 'OnboardingHistoryAnswer'),
      '401': shared.unauthorized,
      '404': shared.notFound,
      '429': shared.tooMany,
      '503': shared.unavailable,
    },
  };
}

export function onboardingPaths(): PathItems {
  return {
    '/v1/onboardings': { post: createOnboarding(), get: listOnboardings() },
    '/v1/onboardings/{onboarding_id}': { get: getOnboarding() },
    '/v1/onboardings/{onboarding_id}/history': { get: getOnboardingHistory() },
    '/v1/onboardings/{onboarding_id}/cancel': { post: cancelOnboarding() },
    '/v1/onboardings/{onboarding_id}/start-link': { post: reissueStartLink() },
  };
}
