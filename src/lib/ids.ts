// Random identifiers and secrets from the CSPRNG, base64url encoded.
import { randomBytes } from 'node:crypto';

export type RandomSource = (bytes: number) => Buffer;

export const cryptoRandom: RandomSource = (bytes) => randomBytes(bytes);

export function randomToken(bytes: number, random: RandomSource = cryptoRandom): string {
  return random(bytes).toString('base64url');
}

/** A request id: 24 base64url characters (the upstream's request ids fit ^[A-Za-z0-9_-]+$). */
export function newRequestId(random: RandomSource = cryptoRandom): string {
  return randomToken(18, random);
}
