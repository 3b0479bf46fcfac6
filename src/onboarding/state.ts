// The callback state, 256 random bits stored only as SHA-256. An onboarding's first state also names it:
// its id is derived from the hash, so the callback finds the onboarding in one read with no lookup key
// that reveals the state. Each later link of the onboarding (invitations) gets a fresh state of the form
// `<secret>.<onboarding id>`, whose hash is kept with that link.
import { createHash } from 'node:crypto';
import type { RandomSource } from '../lib/ids';

export const STATE_PATTERN = /^[A-Za-z0-9_-]{43}(?:\.onb_[A-Za-z0-9_-]{10,64})?$/;

export interface NewState {
  state: string;
  stateHash: string;
  onboardingId: string;
}

function hashOf(state: string): Buffer {
  return createHash('sha256').update(state, 'utf8').digest();
}

/** The hash to compare with, and the onboarding the state belongs to (derived or named in it). */
export function stateHashOf(state: string): { stateHash: string; onboardingId: string } {
  const digest = hashOf(state);
  const named = state.indexOf('.');
  return {
    stateHash: digest.toString('hex'),
    onboardingId:
      named === -1 ? `onb_${digest.subarray(0, 18).toString('base64url')}` : state.slice(named + 1),
  };
}

export function newState(random: RandomSource): NewState {
  const state = random(32).toString('base64url');
  return { state, ...stateHashOf(state) };
}

/** A fresh state for another link of an existing onboarding. */
export function newLinkState(onboardingId: string, random: RandomSource): NewState {
  const state = `${random(32).toString('base64url')}.${onboardingId}`;
  return { state, ...stateHashOf(state) };
}
