// Turns zod schemas into OpenAPI 3.1 Schema Objects (JSON Schema 2020-12) with zod's z.toJSONSchema.
import { z } from 'zod';
import type { SchemaObject } from './openapi-types';

type Direction = 'input' | 'output';

const options: z.core.ToJSONSchemaParams = {
  // A custom schema (metadata, checked by its own refinement) shows the type its .meta() gives.
  unrepresentable: ({ zodSchema }) => (zodSchema._zod.def.type === 'custom' ? 'any' : 'throw'),
  // "format: date-time" already says what zod's long date-time regex says; one is enough to read.
  override: ({ jsonSchema }) => {
    if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
  },
};

/** Drops the keywords that only make sense at a JSON Schema document's root. */
function withoutRootKeywords(schema: z.core.JSONSchema.BaseSchema): SchemaObject {
  const copy: SchemaObject = { ...schema };
  delete copy.$schema;
  delete copy.$id;
  return copy;
}

/**
 * The schemas of `named` under their names, as `io` sees them (a request's input, an answer's
 * output); a named schema inside another becomes a $ref to #/components/schemas/<name>.
 */
export function namedSchemas(
  named: Record<string, z.ZodType>,
  io: Direction,
): Record<string, SchemaObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    ...options,
    io,
    uri: (id) => `#/components/schemas/${id}`,
  });
  const entries = Object.entries(schemas).map(([id, schema]) => [id, withoutRootKeywords(schema)]);
  return Object.fromEntries(entries) as Record<string, SchemaObject>;
}

/** One schema written in place (a parameter's). */
export function inlineSchema(schema: z.ZodType, io: Direction): SchemaObject {
  return withoutRootKeywords(z.toJSONSchema(schema, { ...options, io }));
}
