// Reads the upstream's two error body shapes: the standard envelope and the flat 404 of an unknown link.
import { z } from 'zod';

export interface UpstreamErrorBody {
  code: string;
  message: string;
  description?: string;
  requestId: string | null;
}

// Lengths are capped by truncation rather than rejected: an over-long message must not hide
// the code the caller branches on.
const code = z.string().min(1).max(100);

const envelopeSchema = z.object({
  meta: z.object({ request_id: z.string().max(50) }).optional(),
  error: z.object({
    code,
    message: z.string(),
    description: z.string().optional(),
  }),
});

// The API reference's 404 for an unknown link: `{"error":"LINK_NOT_FOUND","message":…}`, with no meta.
const flatSchema = z.object({ error: code, message: z.string() });

const MESSAGE_MAX = 255;

function cap(value: string): string {
  return value.length > MESSAGE_MAX ? value.slice(0, MESSAGE_MAX) : value;
}

/** The error carried by a parsed JSON body, or null when it has neither shape. */
export function readErrorBody(json: unknown): UpstreamErrorBody | null {
  const envelope = envelopeSchema.safeParse(json);
  if (envelope.success) {
    const { error, meta } = envelope.data;
    const body: UpstreamErrorBody = {
      code: error.code,
      message: cap(error.message),
      requestId: meta?.request_id ?? null,
    };
    if (error.description !== undefined) body.description = cap(error.description);
    return body;
  }
  const flat = flatSchema.safeParse(json);
  if (flat.success) {
    return { code: flat.data.error, message: cap(flat.data.message), requestId: null };
  }
  return null;
}
