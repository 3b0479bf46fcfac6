// Request schemas of the integrator API, validated once at the edge (unknown fields refused).
import { z } from 'zod';
import { AppError } from '../errors';

export const ONBOARDING_ID_PATTERN = /^onb_[A-Za-z0-9_-]{10,64}$/;
export const METADATA_MAX_BYTES = 4096;

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
  metadata: z
    .record(z.string(), z.unknown())
    .refine((m) => Buffer.byteLength(JSON.stringify(m), 'utf8') <= METADATA_MAX_BYTES, {
      message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
    })
    .optional(),
});
export type CreateOnboardingBody = z.output<typeof createOnboardingBody>;

export const listOnboardingsQuery = z.strictObject({
  status: z.enum(['pending', 'completed', 'expired', 'cancelled']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 100, 'must be a whole number from 1 to 100')
    .default(20),
  cursor: z.string().max(512).optional(),
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
