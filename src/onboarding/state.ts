// The callback state: 256 random bits, stored only as SHA-256; the onboarding id is derived from that hash,
// so the callback finds its onboarding in one read without any lookup key that reveals the state.
import { createHash } from 'node:crypto';
import type { RandomSource } from '../lib/ids';

export const STATE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface NewState {
  state: string;
  stateHash: string;
  onboardingId: string;
}

export function stateHashOf(state: string): { stateHash: string; onboardingId: string } {
  const digest = createHash('sha256').update(state, 'utf8').digest();
  return {
    stateHash: digest.toString('hex'),
    onboardingId: `onb_${digest.subarray(0, 18).toString('base64url')}`,
  };
}

export function newState(random: RandomSource): NewState {
  const state = random(32).toString('base64url');
  return { state, ...stateHashOf(state) };
}
