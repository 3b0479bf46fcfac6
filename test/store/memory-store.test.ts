// The in-memory storage: the storage contracts, and expiry measured by the injected clock.
import { ManualClock, isoSeconds } from '../../src/lib/clock';
import {
  createMemoryStorage,
  MEMORY_STORAGE_WARNING,
  type MemoryStorage,
} from '../../src/store/storage';
import { decodeRecord } from '../../src/store/record-codec';
import { completionFor, eventFor, eventsOf, pendingRecord } from '../contract/onboarding-fixtures';
import { describeStoreContract } from '../contract/store.contract';
import { describeWebhookQueueContract } from '../contract/webhook-queue.contract';
import { describeReconcileScheduleContract } from '../contract/reconcile-schedule.contract';
import { describeOpenLinkIndexContract } from '../contract/open-link-index.contract';
import { describeEventLogContract } from '../contract/event-log.contract';
import { describeHistoryContract } from '../contract/history.contract';

describeStoreContract('MemoryStore', async () => {
  const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
  const store = createMemoryStorage(clock);
  return {
    store: store.onboardings,
    ping: () => store.ping(),
    clock,
    cleanup: () => store.close(),
    ttlSecondsOf: async (id) => store.onboardings.ttlSecondsOf(id),
    readAsStored: async (fields) => decodeRecord(fields),
  };
});

describeWebhookQueueContract('MemoryStore', async () => {
  const store = createMemoryStorage(new ManualClock(new Date('2026-03-01T12:00:00Z')));
  return { queue: store.webhookQueue, cleanup: () => store.close() };
});

describeReconcileScheduleContract('MemoryStore', async () => {
  const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
  const store = createMemoryStorage(clock);
  return {
    store,
    clock,
    cleanup: () => store.close(),
    ttlSecondsOf: async (id) => store.onboardings.ttlSecondsOf(id),
  };
});

describeEventLogContract('MemoryStore', async () => {
  const store = createMemoryStorage(new ManualClock(new Date('2026-03-01T12:00:00Z')));
  // Memory is one process: "another instance" is the same storage.
  return {
    events: store.events,
    queue: store.webhookQueue,
    otherEvents: () => store.events,
    cleanup: () => store.close(),
  };
});

describeHistoryContract('MemoryStore', async () => {
  const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
  const store = createMemoryStorage(clock);
  return {
    onboardings: store.onboardings,
    history: store.history,
    otherHistory: () => store,
    clock,
    cleanup: () => store.close(),
  };
});

describeOpenLinkIndexContract('MemoryStore', async () => {
  const store = createMemoryStorage(new ManualClock(new Date('2026-03-01T12:00:00Z')));
  return { links: store.openLinks, cleanup: () => store.close() };
});

describe('MemoryStore expiry', () => {
  let clock: ManualClock;
  let store: MemoryStorage;

  beforeEach(() => {
    clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
    store = createMemoryStorage(clock);
  });

  it('forgets a pending onboarding once its TTL has passed', async () => {
    const record = pendingRecord(clock);
    await store.onboardings.createOnboarding(record, 60);

    clock.advance(59_999);
    await expect(store.onboardings.getOnboarding(record.onboarding_id)).resolves.toStrictEqual(
      record,
    );
    clock.advance(1);

    await expect(store.onboardings.getOnboarding(record.onboarding_id)).resolves.toBeNull();
    await expect(
      store.onboardings.completeOnboarding(
        record.onboarding_id,
        completionFor(record, clock),
        null,
        3600,
      ),
    ).resolves.toStrictEqual({ outcome: 'not_found' });
    await expect(store.onboardings.listOnboardings({ limit: 10 })).resolves.toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('keeps a completed onboarding and its event for the completed TTL', async () => {
    const record = pendingRecord(clock);
    await store.onboardings.createOnboarding(record, 60);
    const event = eventFor(record);
    await store.onboardings.completeOnboarding(
      record.onboarding_id,
      completionFor(record, clock),
      event,
      600,
    );

    clock.advance(599_000);
    await expect(eventsOf(store.onboardings, record.onboarding_id)).resolves.toStrictEqual([event]);
    expect(store.onboardings.ttlSecondsOf(record.onboarding_id)).toBe(1);
    clock.advance(1000);

    await expect(store.onboardings.getOnboarding(record.onboarding_id)).resolves.toBeNull();
  });

  it('lets an idempotency key be claimed again after its TTL', async () => {
    const claim = { key: 'k', fingerprint: 'f', onboardingId: 'onb_aaaaaaaaaaaa', ttlSeconds: 30 };
    await store.onboardings.claimIdempotencyKey(claim);
    clock.advance(30_000);
    await expect(
      store.onboardings.claimIdempotencyKey({ ...claim, onboardingId: 'onb_bbbbbbbbbbbb' }),
    ).resolves.toEqual({ outcome: 'claimed' });
  });

  it('drops index entries older than 90 days when creating', async () => {
    const old = pendingRecord(clock, { created_time: isoSeconds(clock.now()) });
    await store.onboardings.createOnboarding(old, 200 * 24 * 3600);
    clock.advance(91 * 24 * 3600 * 1000);
    await store.onboardings.createOnboarding(pendingRecord(clock), 60);
    const page = await store.onboardings.listOnboardings({ limit: 10 });
    expect(page.items.map((r) => r.onboarding_id)).not.toContain(old.onboarding_id);
  });

  it('says loudly that it is for the sandbox only', () => {
    expect(MEMORY_STORAGE_WARNING).toMatch(/sandbox/i);
    expect(MEMORY_STORAGE_WARNING).toMatch(/restart/i);
    expect(MEMORY_STORAGE_WARNING).toMatch(/instance/i);
  });
});
