// The storage contracts on a real three-master Redis Cluster (ioredis Cluster via connectRedis).
import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { ManualClock } from '../../src/lib/clock';
import { connectRedis } from '../../src/store/redis-connection';
import { createRedisStorage } from '../../src/store/storage';
import { completionFor, eventFor, pendingRecord } from '../contract/onboarding-fixtures';
import { describeStoreContract } from '../contract/store.contract';
import { describeWebhookQueueContract } from '../contract/webhook-queue.contract';
import { describeReconcileScheduleContract } from '../contract/reconcile-schedule.contract';
import { describeOpenLinkIndexContract } from '../contract/open-link-index.contract';
import { describeEventLogContract } from '../contract/event-log.contract';
import { describeHistoryContract } from '../contract/history.contract';
import {
  deleteClusterKeys,
  describeWithCluster,
  startRedisCluster,
  type RedisClusterProcess,
} from '../helpers/redis-cluster';

describeWithCluster('RedisStore on Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  let connection: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    connection = connectRedis({ clusterNodes: cluster.nodes }, 'llr-test') as Cluster;
  });

  afterAll(async () => {
    await connection?.quit();
    await cluster?.stop();
  });

  const uniquePrefix = () => `llrtest${randomBytes(6).toString('hex')}`;

  it('spreads onboardings over the masters, each record with its event on one node', async () => {
    const prefix = uniquePrefix();
    const clock = new ManualClock();
    const store = createRedisStorage(connection, { prefix, clock, ownsConnection: false });
    try {
      for (let i = 0; i < 12; i++) {
        const record = pendingRecord(clock);
        await store.onboardings.createOnboarding(record, 3600);
        await store.onboardings.completeOnboarding(
          record.onboarding_id,
          completionFor(record, clock),
          eventFor(record),
          3600,
        );
      }
      const perMaster = await Promise.all(
        connection.nodes('master').map(async (node) => {
          const [, keys] = await node.scan('0', 'MATCH', `${prefix}:{*`, 'COUNT', 1000);
          const records = keys.filter((k) => k.endsWith(':onb'));
          for (const key of records) expect(await node.hget(key, 'events')).toMatch(/^msg_/);
          return records.length;
        }),
      );
      expect(perMaster).toHaveLength(3);
      expect(perMaster.reduce((a, b) => a + b, 0)).toBe(12);
      expect(perMaster.filter((n) => n > 0).length).toBeGreaterThan(1);
    } finally {
      await deleteClusterKeys(connection, prefix);
    }
  });

  describeStoreContract('RedisStore on Redis Cluster', async () => {
    const prefix = uniquePrefix();
    const clock = new ManualClock();
    const storage = createRedisStorage(connection, { prefix, clock, ownsConnection: false });
    return {
      store: storage.onboardings,
      ping: () => storage.ping(),
      clock,
      cleanup: () => deleteClusterKeys(connection, prefix),
      ttlSecondsOf: async (id) => {
        const ms = await connection.pttl(`${prefix}:{${id}}:onb`);
        return ms < 0 ? null : Math.ceil(ms / 1000);
      },
      readAsStored: async (fields, ttlSeconds) => {
        const id = fields.onboarding_id as string;
        await connection.hset(`${prefix}:{${id}}:onb`, fields);
        await connection.expire(`${prefix}:{${id}}:onb`, ttlSeconds);
        return storage.onboardings.getOnboarding(id);
      },
    };
  });

  describeWebhookQueueContract('RedisStore on Redis Cluster', async () => {
    const prefix = uniquePrefix();
    return {
      queue: createRedisStorage(connection, {
        prefix,
        clock: new ManualClock(),
        ownsConnection: false,
      }).webhookQueue,
      cleanup: () => deleteClusterKeys(connection, prefix),
    };
  });

  describeReconcileScheduleContract('RedisStore on Redis Cluster', async () => {
    const prefix = uniquePrefix();
    const clock = new ManualClock();
    return {
      store: createRedisStorage(connection, { prefix, clock, ownsConnection: false }),
      clock,
      cleanup: () => deleteClusterKeys(connection, prefix),
      ttlSecondsOf: async (id) => {
        const ms = await connection.pttl(`${prefix}:{${id}}:onb`);
        return ms < 0 ? null : Math.ceil(ms / 1000);
      },
    };
  });

  describeEventLogContract('RedisStore on Redis Cluster', async () => {
    const prefix = uniquePrefix();
    const storageOn = (on: Cluster) =>
      createRedisStorage(on, { prefix, clock: new ManualClock(), ownsConnection: false });
    const storage = storageOn(connection);
    const others: Cluster[] = [];
    return {
      events: storage.events,
      queue: storage.webhookQueue,
      otherEvents: () => {
        const other = connectRedis({ clusterNodes: cluster.nodes }, 'llr-test') as Cluster;
        others.push(other);
        return storageOn(other).events;
      },
      cleanup: async () => {
        await deleteClusterKeys(connection, prefix);
        await Promise.all(others.map((other) => other.quit()));
      },
    };
  });

  describeHistoryContract('RedisStore on Redis Cluster', async () => {
    const prefix = uniquePrefix();
    const clock = new ManualClock();
    const storage = createRedisStorage(connection, { prefix, clock, ownsConnection: false });
    const others: Cluster[] = [];
    return {
      onboardings: storage.onboardings,
      history: storage.history,
      otherHistory: () => {
        const other = connectRedis({ clusterNodes: cluster.nodes }, 'llr-test') as Cluster;
        others.push(other);
        return createRedisStorage(other, { prefix, clock, ownsConnection: false });
      },
      clock,
      cleanup: async () => {
        await deleteClusterKeys(connection, prefix);
        await Promise.all(others.map((other) => other.quit()));
      },
    };
  });

  describeOpenLinkIndexContract('RedisStore on Redis Cluster', async () => {
    const prefix = uniquePrefix();
    return {
      links: createRedisStorage(connection, {
        prefix,
        clock: new ManualClock(),
        ownsConnection: false,
      }).openLinks,
      cleanup: () => deleteClusterKeys(connection, prefix),
    };
  });
});
