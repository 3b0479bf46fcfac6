// The whole receiver on a real Redis Cluster: the callback flow, the API, and two instances racing one callback.
import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import supertest from 'supertest';
import { connectRedis } from '../../src/store/redis-connection';
import type { Storage } from '../../src/store/store';
import {
  deleteClusterKeys,
  describeWithCluster,
  startRedisCluster,
  type RedisClusterProcess,
} from '../helpers/redis-cluster';
import { startHarness, type Harness } from '../helpers/service-harness';
import { raisedEvents } from '../helpers/raised-events';

describeWithCluster('the receiver on Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  let connection: Cluster;
  let prefix: string;
  let store: Storage;
  let h: Harness;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    connection = connectRedis({ clusterNodes: cluster.nodes }, 'llr-test') as Cluster;
  });
  afterAll(async () => {
    await connection?.quit();
    await cluster?.stop();
  });
  beforeEach(async () => {
    prefix = `llrtest${randomBytes(6).toString('hex')}`;
    h = await startHarness({ store: { connection, prefix } });
    store = h.storage;
  });
  afterEach(async () => {
    await h.close();
    await deleteClusterKeys(connection, prefix);
  });

  it('completes a callback once: the record, its outbox event and the queued webhook', async () => {
    const onboarding = await h.createOnboarding({ ds_id: 'GA', metadata: { customer: 42 } });
    const path = h.authenticate(onboarding.link_id, 'ana@example.com');
    const forged = path.replace(/link_verifier=[^&]+/, `link_verifier=${'A'.repeat(43)}`);

    const refused = await supertest(h.app).get(forged);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('VERIFIER_MISMATCH');
    expect((await store.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'pending',
    );

    const res = await supertest(h.app).get(path);
    expect(res.status).toBe(200);
    expect(res.text).toContain('is connected');
    await supertest(h.app).get(path).expect(200);

    const stored = await store.onboardings.getOnboarding(onboarding.onboarding_id);
    expect(stored).toMatchObject({
      status: 'completed',
      completed_via: 'callback',
      login_id: h.sim.getLink(onboarding.link_id)!.login_id,
      login_username: 'ana@example.com',
      last_error: null,
    });
    const events = await raisedEvents(store.onboardings, onboarding.onboarding_id);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.body)).toMatchObject({
      type: 'login.completed',
      data: { onboarding_id: onboarding.onboarding_id, metadata: { customer: 42 } },
    });
    expect((await store.webhookQueue.stats(Date.now())).depth).toBe(1);
    const [due] = await store.webhookQueue.claimDue(Date.now() + 1000, 30_000, 10);
    expect(due).toMatchObject({ webhook_id: events[0]!.webhook_id });
  });

  it('serves the integrator API: create, get, list newest first across slots, cancel', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await h.createOnboarding()).onboarding_id);

    const first = await h.api('get', '/v1/onboardings?limit=3');
    const second = await h.api(
      'get',
      `/v1/onboardings?limit=3&cursor=${encodeURIComponent(first.body.meta.next_cursor)}`,
    );
    const listed: { onboarding_id: string; created_time: string }[] = [
      ...first.body.data,
      ...second.body.data,
    ];
    expect(listed.map((o) => o.onboarding_id).sort()).toEqual([...ids].sort());
    const times = listed.map((o) => Date.parse(o.created_time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(second.body.meta.next_cursor).toBeNull();

    const cancelled = await h.api('post', `/v1/onboardings/${ids[0]}/cancel`);
    expect(cancelled.body.data.status).toBe('cancelled');
    const got = await h.api('get', `/v1/onboardings/${ids[0]}`);
    expect(got.body.data.status).toBe('cancelled');
    await supertest(h.app).get('/readyz').expect(200);
  });

  it('completes once when two instances on their own Cluster connections get 50 identical callbacks', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const otherConnection = connectRedis({ clusterNodes: cluster.nodes }, 'llr-test-2');
    try {
      // A whole second instance on its own connection: callbacks, outbox and queue all go through it.
      const instances = [h.app, (await h.anotherInstance(otherConnection)).app];

      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => supertest(instances[i % 2]!).get(path)),
      );

      expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
      expect(await raisedEvents(store.onboardings, onboarding.onboarding_id)).toHaveLength(1);
      expect(h.log.lines.filter((l) => l.outcome === 'COMPLETED')).toHaveLength(1);
      expect(h.log.lines.filter((l) => l.outcome === 'COMPLETED_REPLAY')).toHaveLength(49);
      expect((await store.webhookQueue.stats(Date.now())).depth).toBe(1);
    } finally {
      await h.close();
      await otherConnection.quit();
    }
  });
});
