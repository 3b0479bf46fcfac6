// Random identifiers and secrets from the CSPRNG, base64url encoded.
import { randomFillSync } from 'node:crypto';

export type RandomSource = (bytes: number) => Buffer;

// One CSPRNG call fills a pool that serves many small draws; each byte is handed out once and
// copied out, so no two callers ever share random bytes (a syscall per request id was measurable).
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

export const cryptoRandom: RandomSource = (bytes) => {
  if (bytes > POOL_SIZE / 4) return randomFillSync(Buffer.alloc(bytes));
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + bytes));
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return out;
};

export function randomToken(bytes: number, random: RandomSource): string {
  return random(bytes).toString('base64url');
}

/** A request id: 24 base64url characters (the upstream's request ids fit ^[A-Za-z0-9_-]+$). */
export function newRequestId(random: RandomSource): string {
  return randomToken(18, random);
}
