// The answers of the probes /healthz and /readyz as zod schemas (they carry no meta envelope).
import { z } from 'zod';

export const alive = z.strictObject({ status: z.literal('ok') });
export const ready = z.strictObject({ status: z.literal('ready') });
export const notReady = z.strictObject({ status: z.literal('unavailable'), reason: z.string() });
