// The OpenLinkIndex contract: one behaviour suite that every storage's open-link index must pass.
import { InvalidKeyError } from '../../src/store/errors';
import type { OpenLinkIndex } from '../../src/store/store';
import { newLinkId, newOnboardingId } from './onboarding-fixtures';

export interface OpenLinkIndexFixture {
  links: OpenLinkIndex;
  cleanup(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T12:00:00Z');

export function describeOpenLinkIndexContract(
  name: string,
  setup: () => Promise<OpenLinkIndexFixture>,
): void {
  describe(`${name} (OpenLinkIndex contract)`, () => {
    let fixture: OpenLinkIndexFixture;
    let links: OpenLinkIndex;

    beforeEach(async () => {
      fixture = await setup();
      ({ links } = fixture);
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    /** A link of a fresh onboarding, tracked as sent at sentMs. */
    async function tracked(sentMs: number) {
      const entry = { onboardingId: newOnboardingId(), linkId: newLinkId(), sentMs };
      await links.track(entry.onboardingId, entry.linkId, sentMs);
      return entry;
    }

    it('lists links sent longest ago first, up to max', async () => {
      const b = await tracked(T0 + 2000);
      const a = await tracked(T0 + 1000);
      const c = await tracked(T0 + 3000);

      await expect(links.oldest(10)).resolves.toEqual([a, b, c]);
      await expect(links.oldest(2)).resolves.toEqual([a, b]);
    });

    it('moves a link when it is tracked again', async () => {
      const a = await tracked(T0 + 1000);
      const b = await tracked(T0 + 2000);

      await links.track(a.onboardingId, a.linkId, T0 + 3000);

      await expect(links.oldest(10)).resolves.toEqual([b, { ...a, sentMs: T0 + 3000 }]);
      await expect(links.count()).resolves.toBe(2);
    });

    it('keeps two links of one onboarding, and one link id under two onboardings, apart', async () => {
      const onboardingId = newOnboardingId();
      const [first, second] = [newLinkId(), newLinkId()];
      await links.track(onboardingId, first, T0 + 1000);
      await links.track(onboardingId, second, T0 + 2000);
      const other = newOnboardingId();
      await links.track(other, first, T0 + 3000);

      await expect(links.oldest(10)).resolves.toEqual([
        { onboardingId, linkId: first, sentMs: T0 + 1000 },
        { onboardingId, linkId: second, sentMs: T0 + 2000 },
        { onboardingId: other, linkId: first, sentMs: T0 + 3000 },
      ]);
    });

    it('forgets untracked links; untracking an unknown link or none is harmless', async () => {
      const a = await tracked(T0 + 1000);
      const b = await tracked(T0 + 2000);
      const c = await tracked(T0 + 3000);

      await links.untrack([a, c, { onboardingId: newOnboardingId(), linkId: newLinkId() }]);
      await links.untrack([]);

      await expect(links.oldest(10)).resolves.toEqual([b]);
      await expect(links.count()).resolves.toBe(1);
    });

    it('claims a link for recycling only if it was sent at or before notAfterMs, and only once', async () => {
      const a = await tracked(T0 + 1000);

      await expect(links.claimForRecycle(a.onboardingId, a.linkId, T0 + 999)).resolves.toBe(false);
      await expect(links.oldest(10)).resolves.toEqual([a]);

      await expect(links.claimForRecycle(a.onboardingId, a.linkId, T0 + 1000)).resolves.toBe(true);
      await expect(links.oldest(10)).resolves.toEqual([]);
      await expect(links.claimForRecycle(a.onboardingId, a.linkId, T0 + 9000)).resolves.toBe(false);
    });

    it('does not claim a link it does not hold', async () => {
      await tracked(T0);
      await expect(links.claimForRecycle(newOnboardingId(), newLinkId(), T0 + 9000)).resolves.toBe(
        false,
      );
      await expect(links.count()).resolves.toBe(1);
    });

    it('gives a link to exactly one of 20 concurrent claimers', async () => {
      const a = await tracked(T0);
      const b = await tracked(T0 + 1);

      const claims = await Promise.all(
        Array.from({ length: 20 }, () => links.claimForRecycle(a.onboardingId, a.linkId, T0 + 10)),
      );

      expect(claims.filter((taken) => taken)).toHaveLength(1);
      await expect(links.oldest(10)).resolves.toEqual([b]);
    });

    it('remembers the upstream as full until a link of ours leaves', async () => {
      await expect(links.fullUntil()).resolves.toBe(0);
      await links.track('onb_fullmark0001aa', 'dsll_a', T0);
      await links.markFull(T0 + 30_000);
      await expect(links.fullUntil()).resolves.toBe(T0 + 30_000);
      await links.untrack([]);
      await expect(links.fullUntil()).resolves.toBe(T0 + 30_000);
      await links.untrack([{ onboardingId: 'onb_fullmark0001aa', linkId: 'dsll_a' }]);
      await expect(links.fullUntil()).resolves.toBe(0);
      await expect(links.markFull(-1)).rejects.toThrow(RangeError);
    });

    it('counts the links it holds', async () => {
      await expect(links.count()).resolves.toBe(0);
      for (let i = 0; i < 5; i++) await tracked(T0 + i);
      await expect(links.count()).resolves.toBe(5);
    });

    it('refuses ids that would break the member, times that are not whole ms and a bad max', async () => {
      const good = { onboardingId: newOnboardingId(), linkId: newLinkId() };
      for (const bad of ['', 'has space', 'tab\there', 'brace{x}', 'x'.repeat(201)]) {
        for (const link of [
          { ...good, onboardingId: bad },
          { ...good, linkId: bad },
        ]) {
          await expect(links.track(link.onboardingId, link.linkId, T0)).rejects.toBeInstanceOf(
            InvalidKeyError,
          );
          await expect(links.untrack([good, link])).rejects.toBeInstanceOf(InvalidKeyError);
          await expect(
            links.claimForRecycle(link.onboardingId, link.linkId, T0),
          ).rejects.toBeInstanceOf(InvalidKeyError);
        }
      }
      for (const ms of [-1, 1.5, Number.NaN]) {
        await expect(links.track(good.onboardingId, good.linkId, ms)).rejects.toThrow(RangeError);
        await expect(links.claimForRecycle(good.onboardingId, good.linkId, ms)).rejects.toThrow(
          RangeError,
        );
      }
      for (const max of [0, 1001, 2.5]) {
        await expect(links.oldest(max)).rejects.toThrow(RangeError);
      }
      await expect(links.count()).resolves.toBe(0);
    });
  });
}
