// Start tokens: 192-bit secrets kept only hashed, parsed strictly, sealed for idempotent replays.
import { cryptoRandom } from '../../src/lib/ids';
import { sha256Hex } from '../../src/lib/constant-time';
import {
  newStartToken,
  openStartToken,
  parseStartToken,
  sealStartToken,
  startTokenMatches,
} from '../../src/onboarding/start-token';
import { newLinkState, newState, stateHashOf, STATE_PATTERN } from '../../src/onboarding/state';

const ONB = 'onb_AAAAAAAAAAAAAAAAAAAAAAAA';

describe('start tokens', () => {
  it('carry the onboarding id and a 192-bit secret of which only the hash is kept', () => {
    const { token, secretHash } = newStartToken(ONB, cryptoRandom);
    const [id, secret] = token.split('.');
    expect(id).toBe(ONB);
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(24);
    expect(secretHash).toBe(sha256Hex(secret!));
    expect(secretHash).not.toContain(secret);
    expect(parseStartToken(token)).toEqual({ onboardingId: ONB, secretHash });
  });

  it('are never the same twice', () => {
    const tokens = new Set(
      Array.from({ length: 200 }, () => newStartToken(ONB, cryptoRandom).token),
    );
    expect(tokens.size).toBe(200);
  });

  it.each([
    '',
    ONB,
    `${ONB}.`,
    `${ONB}.short`,
    `${ONB}.${'a'.repeat(33)}`,
    `onb_x.${'a'.repeat(32)}`,
    `${ONB}.${'a'.repeat(31)}*`,
    `../${ONB}.${'a'.repeat(32)}`,
    `${ONB}.${'a'.repeat(32)}\n`,
  ])('refuses the malformed token %j', (token) => {
    expect(parseStartToken(token)).toBeNull();
  });

  it('match only the stored hash of their own secret', () => {
    const a = newStartToken(ONB, cryptoRandom);
    const b = newStartToken(ONB, cryptoRandom);
    expect(startTokenMatches(parseStartToken(a.token)!.secretHash, a.secretHash)).toBe(true);
    expect(startTokenMatches(parseStartToken(b.token)!.secretHash, a.secretHash)).toBe(false);
    expect(startTokenMatches(parseStartToken(a.token)!.secretHash, null)).toBe(false);
  });

  it('open from their seal only with the same key material', () => {
    const { token } = newStartToken(ONB, cryptoRandom);
    const sealed = sealStartToken(token, 'key-1:idem-A', cryptoRandom);
    expect(sealed).not.toContain(token.split('.')[1]);
    expect(openStartToken(sealed, 'key-1:idem-A')).toBe(token);
    expect(openStartToken(sealed, 'key-1:idem-B')).toBeNull();
    expect(openStartToken(`${sealed.slice(0, -2)}AA`, 'key-1:idem-A')).toBeNull();
    expect(openStartToken('short', 'key-1:idem-A')).toBeNull();
  });
});

describe('link states', () => {
  it('name their onboarding, and a first state still derives it', () => {
    const first = newState(cryptoRandom);
    const next = newLinkState(first.onboardingId, cryptoRandom);
    expect(STATE_PATTERN.test(first.state)).toBe(true);
    expect(STATE_PATTERN.test(next.state)).toBe(true);
    expect(stateHashOf(next.state)).toEqual({
      stateHash: next.stateHash,
      onboardingId: first.onboardingId,
    });
    expect(next.stateHash).not.toBe(first.stateHash);
  });
});
