// Invitations on a real three-master Redis Cluster with two instances on their own connections: create →
// Continue → callback once, and recycling at the link limit through the shared open-link index.
import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import supertest from 'supertest';
import { ManualClock } from '../../src/lib/clock';
import { connectRedis } from '../../src/store/redis-connection';
import {
  deleteClusterKeys,
  describeWithCluster,
  startRedisCluster,
  type RedisClusterProcess,
} from '../helpers/redis-cluster';
import { startHarness, type Harness } from '../helpers/service-harness';
import {
  closedUpstream,
  invite,
  outboxBodies,
  pressContinue,
  storedRecord,
  upstreamCount,
  type App,
} from './fixture';

const T0 = Date.parse('2026-03-02T09:00:00Z');

describeWithCluster('invitations on Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  let connection: Cluster;
  let otherConnection: Cluster;
  let prefix: string;
  let clock: ManualClock;
  let h: Harness;
  let instances: App[];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    connection = connectRedis({ clusterNodes: cluster.nodes }, 'llr-test') as Cluster;
    otherConnection = connectRedis({ clusterNodes: cluster.nodes }, 'llr-test-2') as Cluster;
  });
  afterAll(async () => {
    await connection?.quit();
    await otherConnection?.quit();
    await cluster?.stop();
  });
  beforeEach(async () => {
    prefix = `llrtest${randomBytes(6).toString('hex')}`;
    clock = new ManualClock(T0);
    h = await startHarness({
      store: { connection, prefix },
      clock,
      simulator: { clock, linkLimit: 5 },
    });
    instances = [h.app, (await h.anotherInstance(otherConnection)).app];
  });
  afterEach(async () => {
    await h.close();
    await deleteClusterKeys(connection, prefix);
  });

  it('makes one link for Continues on both instances, and a callback on the other instance completes it once', async () => {
    const invitation = await invite(h, { metadata: { customer: 7 } });

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => pressContinue(instances[i % 2]!, invitation)),
    );

    expect(upstreamCount(h, 'create')).toBe(1);
    const record = await storedRecord(h, invitation.onboardingId);
    expect(record.links).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 303) expect(answer.headers.location).toBe(record.login_url);
      else expect(answer.status).toBe(503);
    }

    const callback = h.authenticate(record.link_id!);
    await supertest(instances[1]!).get(callback).expect(200);
    await supertest(instances[0]!).get(callback).expect(200);

    expect(await storedRecord(h, invitation.onboardingId)).toMatchObject({
      status: 'completed',
      link_id: record.link_id,
    });
    expect(await outboxBodies(h, invitation.onboardingId)).toEqual([
      expect.objectContaining({
        type: 'login.completed',
        data: expect.objectContaining({ link_id: record.link_id, metadata: { customer: 7 } }),
      }),
    ]);
    expect(h.log.lines.filter((l) => l.outcome === 'COMPLETED')).toHaveLength(1);
    expect((await h.storage.webhookQueue.stats(clock.now())).depth).toBe(1);
    await expect(h.storage.openLinks.count()).resolves.toBe(0);
  });

  it("recycles the link sent longest ago on one instance for a customer on the other, and that link's login still completes", async () => {
    const first: string[] = [];
    let firstCustomer = '';
    for (let i = 0; i < 5; i++) {
      const invitation = await invite(h);
      await pressContinue(instances[i % 2]!, invitation).expect(303);
      first.push((await storedRecord(h, invitation.onboardingId)).link_id!);
      if (i === 0) firstCustomer = invitation.onboardingId;
      clock.advance(1000);
    }
    await expect(h.storage.openLinks.count()).resolves.toBe(5);
    const sixth = await invite(h);
    await pressContinue(instances[1]!, sixth).expect(503);
    const attempt = h.sim.startAttempt(first[0]!);
    clock.advance(600 * 1000);

    await pressContinue(instances[1]!, sixth).expect(303);

    expect(closedUpstream(h)).toEqual([first[0]]);
    const { redirectUrl } = attempt.authenticate();
    const url = new URL(redirectUrl!);
    await supertest(instances[0]!).get(`${url.pathname}${url.search}`).expect(200);
    expect(await storedRecord(h, firstCustomer)).toMatchObject({
      status: 'completed',
      link_id: first[0],
    });
  });
});
