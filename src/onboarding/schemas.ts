// Request schemas of the integrator API, validated once at the edge (unknown fields refused).
import { z } from 'zod';
import { AppError } from '../errors';
import { metadataProblem } from './metadata';

export { METADATA_MAX_BYTES } from './metadata';

export const ONBOARDING_ID_PATTERN = /^onb_[A-Za-z0-9_-]{10,64}$/;

export const createOnboardingBody = z.strictObject({
  ds_id: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]{1,50}$/,
      'must be a data source id such as "GA" (letters, digits, _ . -, at most 50)',
    ),
  expiry_time: z.string().trim().min(1).max(100).default('24 hours'),
  description: z.string().max(1000).default(''),
  require_username: z.string().min(1).max(255).optional(),
  return_url: z.string().max(2000).optional(),
  // Kept as the very object JSON.parse made (a rebuilt record would lose keys); checked without recursion.
  metadata: z
    .custom<Record<string, unknown>>()
    .superRefine((value, ctx) => {
      const problem = metadataProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});
export type CreateOnboardingBody = z.output<typeof createOnboardingBody>;

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
  cursor: z.string().max(512).optional(),
};

export const listOnboardingsQuery = z.strictObject({
  status: z.enum(['pending', 'completed', 'expired', 'cancelled']).optional(),
  ...pageQuery,
});
export type ListOnboardingsQuery = z.output<typeof listOnboardingsQuery>;

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

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
    422,
    field ? `Invalid field "${field}": ${issue.message}` : issue.message,
    {
      details: { field: field || null },
    },
  );
}

export function assertOnboardingId(id: string): void {
  if (!ONBOARDING_ID_PATTERN.test(id)) throw new AppError('NOT_FOUND', 404, 'No such onboarding.');
}
