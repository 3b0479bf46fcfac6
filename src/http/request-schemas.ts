// Validation at the edge for every route: the paging query all lists share, and the one parse that
// turns a schema's first problem into a 422 naming the field.
import { z } from 'zod';
import { AppError } from '../errors';

const LIMIT_PROBLEM = 'must be a whole number from 1 to 100';

/** `limit` and `cursor` of every paged list of the API. */
export const pageQuery = {
  // Piped into an integer so the document shows the number a client sends, not the query text.
  limit: z
    .string()
    .regex(/^\d{1,3}$/, LIMIT_PROBLEM)
    .transform(Number)
    .pipe(z.int().min(1, LIMIT_PROBLEM).max(100, LIMIT_PROBLEM))
    .default(20),
  cursor: z
    .string()
    .max(512)
    .optional()
    .meta({ description: 'meta.next_cursor of the previous page.' }),
};

/** Parses with a schema or throws 422 naming the first bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field =
    issue.path.length > 0
      ? issue.path.join('.')
      : issue.code === 'unrecognized_keys'
        ? (issue.keys?.join(', ') ?? '')
        : '';
  throw new AppError(
    'UNPROCESSABLE_ENTITY',
    field ? `Invalid field "${field}": ${issue.message}` : issue.message,
    { details: { field: field || null } },
  );
}
