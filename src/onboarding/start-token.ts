// Start tokens, the capability in PUBLIC_URL/start/<token>: `<onboarding id>.<secret>`, the secret 192
// random bits kept only as its SHA-256, so a Redis dump reveals no usable token. The onboarding id in
// front finds the record in one read; the secret is what proves the bearer may use it.
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { secretsEqual, sha256Hex } from '../lib/constant-time';
import type { RandomSource } from '../lib/ids';

const SECRET_PATTERN = '[A-Za-z0-9_-]{32}';
export const START_TOKEN_PATTERN = new RegExp(`^(onb_[A-Za-z0-9_-]{10,64})\\.(${SECRET_PATTERN})$`);

export interface StartToken {
  token: string;
  /** Hex SHA-256 of the secret part: all that is stored. */
  secretHash: string;
}

export function newStartToken(onboardingId: string, random: RandomSource): StartToken {
  const secret = random(24).toString('base64url');
  return { token: `${onboardingId}.${secret}`, secretHash: sha256Hex(secret) };
}

/** The onboarding a well-formed token names, and its secret's hash; null for anything else. */
export function parseStartToken(
  token: string,
): { onboardingId: string; secretHash: string } | null {
  const match = START_TOKEN_PATTERN.exec(token);
  if (!match) return null;
  return { onboardingId: match[1]!, secretHash: sha256Hex(match[2]!) };
}

/** Constant-time: does the presented token's secret match the stored hash? */
export function startTokenMatches(presentedHash: string, storedHash: string | null): boolean {
  return storedHash !== null && secretsEqual(presentedHash, storedHash);
}

export function startUrlOf(publicUrl: string, token: string): string {
  return `${publicUrl}/start/${token}`;
}

/**
 * Redis may hold only the token's hash, yet two answers need the token itself, so it is also kept sealed
 * (AES-256-GCM) under a key derived from a secret Redis holds only hashed, which the request brings back:
 * - `replay`: an idempotent replay of a creation answers the same start_url; the key comes from the
 *   Idempotency-Key and the API key it came with.
 * - `link`: a callback's failure page offers Try again (the start link); the key comes from the state in
 *   that upstream link's redirect_url, sealed on the link when it is made.
 */
export type SealPurpose = 'replay' | 'link';

const SEAL_INFO: Record<SealPurpose, string> = { replay: 'start-url', link: 'link-state' };

function sealingKey(keyMaterial: string, purpose: SealPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', keyMaterial, 'llr-start-token', SEAL_INFO[purpose], 32));
}

export function sealStartToken(
  token: string,
  keyMaterial: string,
  random: RandomSource,
  purpose: SealPurpose = 'replay',
): string {
  const iv = random(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(keyMaterial, purpose), iv);
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The token, or null when the material is not the one it was sealed with (or the box is damaged). */
export function openStartToken(
  sealed: string,
  keyMaterial: string,
  purpose: SealPurpose = 'replay',
): string | null {
  const box = Buffer.from(sealed, 'base64url');
  if (box.length < 29) return null;
  try {
    const key = sealingKey(keyMaterial, purpose);
    const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, 12));
    decipher.setAuthTag(box.subarray(12, 28));
    return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
