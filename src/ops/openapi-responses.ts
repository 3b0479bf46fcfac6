// Response objects of the document: JSON answers with X-Request-Id, and the shared error answers.
import { schemaRef, type SchemaName } from './openapi-schemas';
import { ref, type HeaderObject, type Reference, type ResponseObject } from './openapi-types';

const requestIdHeader = { 'X-Request-Id': ref('headers', 'X-Request-Id') };
const retryHeaders = { ...requestIdHeader, 'Retry-After': ref('headers', 'Retry-After') };

export function jsonResponse(
  description: string,
  schema: SchemaName,
  headers: Record<string, Reference | HeaderObject> = requestIdHeader,
): ResponseObject {
  return { description, headers, content: { 'application/json': { schema: schemaRef(schema) } } };
}

/** An error answer; its description lists the codes it carries. */
export function errorResponse(
  description: string,
  codes: string[],
  headers: Record<string, Reference | HeaderObject> = requestIdHeader,
): ResponseObject {
  return jsonResponse(`${description} (${codes.join(', ')})`, 'ErrorEnvelope', headers);
}

/** A probe's answer: plain JSON, no envelope and no request id. */
export function probeResponse(description: string, schema: SchemaName): ResponseObject {
  return { description, content: { 'application/json': { schema: schemaRef(schema) } } };
}

export function headerComponents(): Record<string, HeaderObject> {
  return {
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
  };
}

export function responseComponents(): Record<string, ResponseObject> {
  return {
    Unauthorized: errorResponse('Missing or unknown API key', ['UNAUTHORIZED']),
    NotFound: errorResponse('No such resource', ['NOT_FOUND']),
    UnprocessableEntity: errorResponse('Invalid input; error.field names it', [
      'UNPROCESSABLE_ENTITY',
    ]),
    TooManyRequests: errorResponse('Rate limited', ['TOO_MANY_REQUESTS'], retryHeaders),
    ServiceUnavailable: errorResponse(
      'Redis is unreachable; retry shortly',
      ['SERVICE_UNAVAILABLE'],
      retryHeaders,
    ),
  };
}

/** The shared answers, by status, as $refs to the components above. */
export const shared = {
  unauthorized: ref('responses', 'Unauthorized'),
  notFound: ref('responses', 'NotFound'),
  unprocessable: ref('responses', 'UnprocessableEntity'),
  tooMany: ref('responses', 'TooManyRequests'),
  unavailable: ref('responses', 'ServiceUnavailable'),
};
