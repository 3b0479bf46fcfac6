// The Redis store against the private test Redis: the Store contract, plus what only Redis can show.
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { ManualClock, isoSeconds } from '../../src/lib/clock';
import { createRedisStorage } from '../../src/store/storage';
import type { Storage } from '../../src/store/store';
import type { CompleteResult } from '../../src/store/store';
import {
  completionFor,
  eventFor,
  eventsOf,
  webhookFor,
  hashState,
  linkFor,
  newState,
  pendingRecord,
  previousReleaseFields,
} from '../contract/onboarding-fixtures';
import { describeStoreContract } from '../contract/store.contract';
import { describeWebhookQueueContract } from '../contract/webhook-queue.contract';
import { describeReconcileScheduleContract } from '../contract/reconcile-schedule.contract';
import { describeOpenLinkIndexContract } from '../contract/open-link-index.contract';
import { describeEventLogContract } from '../contract/event-log.contract';
import { describeHistoryContract } from '../contract/history.contract';

const COMPLETED_TTL = 90 * 24 * 3600;

function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: the jest global setup should have set it.');
  return url;
}

function uniquePrefix(): string {
  return `llrtest:${randomBytes(6).toString('hex')}`;
}

async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

async function deleteKeysUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

describeStoreContract('RedisStore', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniquePrefix();
  const clock = new ManualClock();
  const store = createRedisStorage(redis, { prefix, clock, ownsConnection: false });
  return {
    store: store.onboardings,
    ping: () => store.ping(),
    clock,
    cleanup: async () => {
      await deleteKeysUnder(redis, prefix);
      await redis.quit();
    },
    ttlSecondsOf: async (id) => {
      const ms = await redis.pttl(`${prefix}:{${id}}:onb`);
      return ms < 0 ? null : Math.ceil(ms / 1000);
    },
    readAsStored: async (fields, ttlSeconds) => {
      const id = fields.onboarding_id as string;
      await redis.hset(`${prefix}:{${id}}:onb`, fields);
      await redis.expire(`${prefix}:{${id}}:onb`, ttlSeconds);
      return store.onboardings.getOnboarding(id);
    },
  };
});

describeWebhookQueueContract('RedisStore', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniquePrefix();
  return {
    queue: createRedisStorage(redis, { prefix, clock: new ManualClock(), ownsConnection: false })
      .webhookQueue,
    cleanup: async () => {
      await deleteKeysUnder(redis, prefix);
      await redis.quit();
    },
  };
});

describeReconcileScheduleContract('RedisStore', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniquePrefix();
  const clock = new ManualClock();
  return {
    store: createRedisStorage(redis, { prefix, clock, ownsConnection: false }),
    clock,
    cleanup: async () => {
      await deleteKeysUnder(redis, prefix);
      await redis.quit();
    },
    ttlSecondsOf: async (id) => {
      const ms = await redis.pttl(`${prefix}:{${id}}:onb`);
      return ms < 0 ? null : Math.ceil(ms / 1000);
    },
  };
});

describeOpenLinkIndexContract('RedisStore', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniquePrefix();
  return {
    links: createRedisStorage(redis, { prefix, clock: new ManualClock(), ownsConnection: false })
      .openLinks,
    cleanup: async () => {
      await deleteKeysUnder(redis, prefix);
      await redis.quit();
    },
  };
});

describeEventLogContract('RedisStore', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniquePrefix();
  const others: Redis[] = [];
  const storageOn = (connection: Redis) =>
    createRedisStorage(connection, { prefix, clock: new ManualClock(), ownsConnection: false });
  const storage = storageOn(redis);
  return {
    events: storage.events,
    queue: storage.webhookQueue,
    otherEvents: () => {
      const other = new Redis(redisUrl());
      others.push(other);
      return storageOn(other).events;
    },
    cleanup: async () => {
      await deleteKeysUnder(redis, prefix);
      await Promise.all([redis, ...others].map((r) => r.quit()));
    },
  };
});

describeHistoryContract('RedisStore', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniquePrefix();
  const clock = new ManualClock();
  const others: Redis[] = [];
  const storage = createRedisStorage(redis, { prefix, clock, ownsConnection: false });
  return {
    onboardings: storage.onboardings,
    history: storage.history,
    otherHistory: () => {
      const other = new Redis(redisUrl());
      others.push(other);
      return createRedisStorage(other, { prefix, clock, ownsConnection: false });
    },
    clock,
    cleanup: async () => {
      await deleteKeysUnder(redis, prefix);
      await Promise.all([redis, ...others].map((r) => r.quit()));
    },
  };
});

describe('RedisStore on a real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let clock: ManualClock;
  let store: Storage;

  beforeEach(() => {
    redis = new Redis(redisUrl());
    prefix = uniquePrefix();
    clock = new ManualClock();
    store = createRedisStorage(redis, { prefix, clock, ownsConnection: false });
  });

  afterEach(async () => {
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
  });

  it('completes once in total when two instances race 50 completions each', async () => {
    const other = new Redis(redisUrl());
    const otherStore = createRedisStorage(other, { prefix, clock, ownsConnection: true });
    try {
      const record = pendingRecord(clock);
      await store.onboardings.createOnboarding(record, 3600);
      const attempts: Promise<CompleteResult>[] = [];
      for (let i = 0; i < 50; i++) {
        for (const [n, instance] of [store, otherStore].entries()) {
          attempts.push(
            instance.onboardings.completeOnboarding(
              record.onboarding_id,
              completionFor(record, clock, { login_id: `login_${n}_${i}` }),
              eventFor(record, `msg_${n}_${i}`),
              COMPLETED_TTL,
            ),
          );
        }
      }
      const outcomes = (await Promise.all(attempts)).map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'already_completed')).toHaveLength(99);
      await expect(eventsOf(store.onboardings, record.onboarding_id)).resolves.toHaveLength(1);
    } finally {
      await otherStore.close();
    }
    await expect(other.ping()).rejects.toThrow();
  });

  it('keeps records under the prefix with one hash tag per onboarding, the event on the record', async () => {
    const record = pendingRecord(clock);
    await store.onboardings.createOnboarding(record, 3600);
    const event = eventFor(record);
    await store.onboardings.completeOnboarding(
      record.onboarding_id,
      completionFor(record, clock),
      event,
      COMPLETED_TTL,
    );
    const id = record.onboarding_id;
    const key = `${prefix}:{${id}}:onb`;
    expect((await keysUnder(redis, prefix)).sort()).toEqual([`${prefix}:onboardings`, key].sort());
    expect(await redis.type(key)).toBe('hash');
    expect(await redis.hget(key, 'events')).toBe(
      `${event.webhook_id} login.completed ${event.time}`,
    );
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan((COMPLETED_TTL - 10) * 1000);
    expect(pttl).toBeLessThanOrEqual(COMPLETED_TTL * 1000);
    expect(await redis.zscore(`${prefix}:onboardings`, id)).toBe(
      String(Date.parse(record.created_time)),
    );
  });

  it('reads the outbox a completion of the previous release wrote, oldest first', async () => {
    const record = pendingRecord(clock);
    const written = [webhookFor(record), webhookFor(record)];
    await redis.rpush(
      `${prefix}:{${record.onboarding_id}}:outbox`,
      ...written.map((event) => JSON.stringify(event)),
    );
    await expect(store.onboardings.readOutbox(record.onboarding_id)).resolves.toStrictEqual(
      written,
    );
  });

  it('stores JSON fields as opaque JSON text and null fields as absent fields', async () => {
    const record = pendingRecord(clock, { metadata: { list: [], n: 2 ** 60 } });
    await store.onboardings.createOnboarding(record, 3600);
    const hash = await redis.hgetall(`${prefix}:{${record.onboarding_id}}:onb`);
    expect(hash.metadata).toBe(JSON.stringify(record.metadata));
    expect(hash).not.toHaveProperty('login_id');
    expect(hash).not.toHaveProperty('last_error');
  });

  it('keeps links as JSON text with link_ids beside them, rewritten by an update; a null removes its field', async () => {
    const record = pendingRecord(clock, { link_lock_until: clock.now() + 1000 });
    await store.onboardings.createOnboarding(record, 3600);
    const key = `${prefix}:{${record.onboarding_id}}:onb`;
    expect(await redis.hmget(key, 'links', 'link_ids', 'rev')).toEqual([
      JSON.stringify(record.links),
      `,${record.link_id},`,
      '0',
    ]);

    const added = linkFor(clock);
    await store.onboardings.updateOnboarding(
      record.onboarding_id,
      0,
      { links: [added, ...record.links], link_lock_until: null },
      true,
    );
    expect(await redis.hget(key, 'link_ids')).toBe(`,${added.link_id},${record.link_id},`);
    expect(await redis.hexists(key, 'link_lock_until')).toBe(0);
    expect(await redis.hget(key, 'rev')).toBe('1');

    await store.onboardings.updateOnboarding(record.onboarding_id, 1, { links: [] }, true);
    expect(await redis.hget(key, 'links')).toBe('[]');
    expect(await redis.hexists(key, 'link_ids')).toBe(0);
  });

  it('updates a record of the previous release from rev 0 and completes it from its one link', async () => {
    const record = pendingRecord(clock);
    const key = `${prefix}:{${record.onboarding_id}}:onb`;
    await redis.hset(key, previousReleaseFields(record));
    await redis.expire(key, 3600);

    const updated = await store.onboardings.updateOnboarding(
      record.onboarding_id,
      0,
      { ds_name: 'Google Analytics 4' },
      true,
    );
    expect(updated).toMatchObject({ outcome: 'updated', record: { rev: 1 } });
    const done = await store.onboardings.completeOnboarding(
      record.onboarding_id,
      completionFor(record, clock),
      null,
      COMPLETED_TTL,
    );
    expect(done).toMatchObject({
      outcome: 'completed',
      record: { link_id: record.link_id, status: 'completed', rev: 1 },
    });
  });

  it('reveals no state in a dump of everything it wrote: records hold only state_hash', async () => {
    const state = newState();
    const record = pendingRecord(clock, { state_hash: hashState(state) });
    await store.onboardings.createOnboarding(record, 3600);
    await store.onboardings.recordFailure(record.onboarding_id, {
      code: 'VERIFIER_MISMATCH',
      message: 'forged',
      time: isoSeconds(clock.now()),
    });
    await store.onboardings.completeOnboarding(
      record.onboarding_id,
      completionFor(record, clock),
      eventFor(record),
      COMPLETED_TTL,
    );
    const dump: string[] = [];
    for (const key of await keysUnder(redis, prefix)) {
      const type = await redis.type(key);
      if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') dump.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'zset') dump.push(...(await redis.zrange(key, 0, -1)));
      else dump.push(String(await redis.get(key)));
    }
    const text = dump.join('\n');
    expect(text).not.toContain(state);
    expect(text).toContain(hashState(state));
  });

  it('skips index entries whose record is gone, and drops them only once past the creation grace', async () => {
    const kept = pendingRecord(clock);
    await store.onboardings.createOnboarding(kept, 3600);
    const indexKey = `${prefix}:onboardings`;
    await redis.zadd(indexKey, clock.now() - 60 * 60 * 1000, 'onb_oldorphan0001');
    await redis.zadd(indexKey, clock.now(), 'onb_freshorphan01');

    const page = await store.onboardings.listOnboardings({ limit: 10 });

    expect(page).toEqual({ items: [kept], nextCursor: null });
    expect(await redis.zscore(indexKey, 'onb_oldorphan0001')).toBeNull();
    expect(await redis.zscore(indexKey, 'onb_freshorphan01')).not.toBeNull();
  });

  it('trims index entries older than 90 days when creating', async () => {
    const indexKey = `${prefix}:onboardings`;
    await redis.zadd(indexKey, clock.now() - 91 * 24 * 3600 * 1000, 'onb_ancient00001');
    await store.onboardings.createOnboarding(pendingRecord(clock), 3600);
    expect(await redis.zscore(indexKey, 'onb_ancient00001')).toBeNull();
  });

  it('bounds the work of a filtered listing and hands back a cursor to continue', async () => {
    const oldest = pendingRecord(clock);
    await store.onboardings.createOnboarding(oldest, 3600);
    await store.onboardings.completeOnboarding(
      oldest.onboarding_id,
      completionFor(oldest, clock),
      null,
      COMPLETED_TTL,
    );
    for (let i = 0; i < 120; i++) {
      clock.advance(1000);
      await store.onboardings.createOnboarding(pendingRecord(clock), 3600);
    }

    // limit 1 reads batches of 5 and at most 20 of them: 100 of the 120 pending ones.
    const first = await store.onboardings.listOnboardings({ status: 'completed', limit: 1 });
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();

    const second = await store.onboardings.listOnboardings({
      status: 'completed',
      limit: 1,
      cursor: first.nextCursor as string,
    });
    expect(second.items.map((r) => r.onboarding_id)).toEqual([oldest.onboarding_id]);
    expect(second.nextCursor).toBeNull();
  });

  it('sets the idempotency claim TTL', async () => {
    await store.onboardings.claimIdempotencyKey({
      key: 'caller:xyz',
      fingerprint: 'f',
      onboardingId: 'onb_aaaaaaaaaaaa',
      ttlSeconds: 86400,
    });
    const ttl = await redis.ttl(`${prefix}:idem:caller:xyz`);
    expect(ttl).toBeGreaterThan(86390);
    expect(ttl).toBeLessThanOrEqual(86400);
  });

  it('never hands the same webhook to two callers within a lease under 20 concurrent claims from two connections', async () => {
    const other = new Redis(redisUrl());
    const otherStore = createRedisStorage(other, { prefix, clock, ownsConnection: true });
    try {
      const now = clock.now();
      const events = Array.from({ length: 50 }, (_, i) =>
        webhookFor(pendingRecord(clock), `msg_${i}`),
      );
      await store.webhookQueue.enqueueWebhooks('onb_concurrent0001', events, now);

      const claims = Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? store : otherStore).webhookQueue.claimDue(now, 30_000, 3),
      );
      const claimed = (await Promise.all(claims)).flat().map((webhook) => webhook.webhook_id);

      expect(claimed).toHaveLength(50);
      expect(new Set(claimed).size).toBe(50);
      await expect(otherStore.webhookQueue.claimDue(now + 29_999, 30_000, 100)).resolves.toEqual(
        [],
      );
    } finally {
      await otherStore.close();
    }
  });

  it('keeps the webhook queue under one {webhooks} hash tag, bodies stored verbatim', async () => {
    const now = clock.now();
    const event = webhookFor(pendingRecord(clock));
    await store.webhookQueue.enqueueWebhooks('onb_queued0000001', [event], now);
    await store.webhookQueue.claimDue(now, 30_000, 10);
    await store.webhookQueue.rescheduleWebhook(event.webhook_id, now + 1000, 1, 'HTTP 500');
    const dead = webhookFor(pendingRecord(clock));
    await store.webhookQueue.enqueueWebhooks('onb_dead000000001', [dead], now);
    await store.webhookQueue.deadLetterWebhook(dead.webhook_id, 9, 'HTTP 404', now);
    const delivered = webhookFor(pendingRecord(clock));
    await store.webhookQueue.enqueueWebhooks('onb_done000000001', [delivered], now);
    await store.webhookQueue.ackWebhook(delivered.webhook_id, now);

    const base = `${prefix}:{webhooks}`;
    expect((await keysUnder(redis, prefix)).sort()).toEqual(
      ['attempts', 'dead', 'dead-events', 'delivered', 'due', 'enqueued', 'events']
        .map((name) => `${base}:${name}`)
        .sort(),
    );
    expect(await redis.zrange(`${base}:due`, 0, -1, 'WITHSCORES')).toEqual([
      `w:${event.webhook_id}`,
      String(now + 1000),
    ]);
    const stored = JSON.parse((await redis.hget(`${base}:events`, event.webhook_id)) as string);
    expect(stored.body).toBe(event.body);
  });

  it('drops a due member that is not a queued webhook (a relay marker left by an older version)', async () => {
    const now = clock.now();
    const event = webhookFor(pendingRecord(clock));
    const due = `${prefix}:{webhooks}:due`;
    await redis.zadd(due, now - 1, 'r:onb_leftover00001');
    await store.webhookQueue.enqueueWebhooks('onb_queued0000002', [event], now);

    const claimed = await store.webhookQueue.claimDue(now, 30_000, 10);

    expect(claimed.map((webhook) => webhook.webhook_id)).toEqual([event.webhook_id]);
    expect(await redis.zrange(due, 0, -1)).toEqual([`w:${event.webhook_id}`]);
  });

  it('keeps open links in one {links} sorted set: member "<onboarding> <link>", scored by sentMs', async () => {
    await store.openLinks.track('onb_open00000001', 'lnk_a', 1_000);
    await store.openLinks.track('onb_open00000002', 'lnk_b', 2_000);
    expect(await keysUnder(redis, prefix)).toEqual([`${prefix}:{links}:open`]);
    expect(await redis.zrange(`${prefix}:{links}:open`, 0, -1, 'WITHSCORES')).toEqual([
      'onb_open00000001 lnk_a',
      '1000',
      'onb_open00000002 lnk_b',
      '2000',
    ]);
  });

  it('leaves a connection it does not own open on close', async () => {
    await store.close();
    await expect(redis.ping()).resolves.toBe('PONG');
  });
});
