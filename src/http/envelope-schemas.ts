// The envelope of every integrator API answer as zod schemas: meta, {meta, data}, a page, the error.
import { z } from 'zod';

export const meta = z.strictObject({ request_id: z.string() });

export const listMeta = z.strictObject({
  request_id: z.string(),
  next_cursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as cursor for the next page; null on the last page.' }),
});

/** `{meta, data}` with `data` of the given schema. */
export function dataAnswer<T extends z.ZodType>(data: T) {
  return z.strictObject({ meta, data });
}

/** `{meta, data: [...]}` with `meta.next_cursor`. */
export function pageAnswer<T extends z.ZodType>(item: T) {
  return z.strictObject({ meta: listMeta, data: z.array(item) });
}

// Loose: AppError details (such as `field`) are spread into the error object.
export const errorEnvelope = z.strictObject({
  meta,
  error: z.looseObject({
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .meta({ examples: ['NOT_FOUND'] }),
    message: z.string(),
    description: z.string().optional(),
    field: z.string().nullable().optional().meta({ description: 'The invalid field (422).' }),
  }),
});
