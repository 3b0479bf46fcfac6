// Parameters of the document, made from the zod schemas the routes validate them with.
import type { z } from 'zod';
import { pageQuery } from '../http/request-schemas';
import { idempotencyKey, onboardingId } from '../onboarding/schemas';
import { inlineSchema } from './openapi-json-schema';
import { ref, type ParameterObject, type Reference } from './openapi-types';

/**
 * A parameter from its schema; its description moves up to the parameter. The schema is the output
 * one: a query value is text on the wire, and the number it parses to (limit) is what a client means.
 */
export function parameter(
  name: string,
  location: ParameterObject['in'],
  schema: z.ZodType,
): ParameterObject {
  const { description, ...json } = inlineSchema(schema, 'output');
  const required = location === 'path' || !schema.safeParse(undefined).success;
  return {
    name,
    in: location,
    ...(required ? { required } : {}),
    ...(typeof description === 'string' ? { description } : {}),
    schema: json,
  };
}

export function parameterComponents(): Record<string, ParameterObject> {
  return {
    OnboardingId: parameter('onboarding_id', 'path', onboardingId),
    IdempotencyKey: parameter('Idempotency-Key', 'header', idempotencyKey),
    Limit: parameter('limit', 'query', pageQuery.limit),
    Cursor: parameter('cursor', 'query', pageQuery.cursor),
  };
}

const sharedQueryFields = new Map<z.ZodType, Reference>([
  [pageQuery.limit, ref('parameters', 'Limit')],
  [pageQuery.cursor, ref('parameters', 'Cursor')],
]);

/** One parameter per field of a route's query schema; the paging fields as $refs to the shared ones. */
export function queryParameters(query: z.ZodObject): (ParameterObject | Reference)[] {
  return Object.entries(query.shape).map(
    ([name, schema]) => sharedQueryFields.get(schema) ?? parameter(name, 'query', schema),
  );
}
