// Webhooks survive a crash: SIGKILL mid-delivery loses nothing, SIGTERM hands a hanging delivery back.
import { spawn, type ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { createRedisStorage } from '../../src/store/storage';
import type { Storage } from '../../src/store/store';
import { systemClock } from '../../src/lib/clock';
import { freePort } from '../helpers/redis-server';
import { WEBHOOK_SECRET } from '../helpers/service-harness';
import { eventually, startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';

// The service runs as a child process on its own Redis database, under the default key prefix.
const DB = 7;

function redisUrlWithDb(): string {
  const url = new URL(process.env.REDIS_URL!);
  url.pathname = `/${DB}`;
  return url.href;
}

async function startService(
  sink: WebhookSink,
  extraEnv: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      SIMULATOR_PORT: String(await freePort()),
      REDIS_URL: redisUrlWithDb(),
      WEBHOOK_URL: sink.url,
      WEBHOOK_SECRET,
      WEBHOOK_TIMEOUT: '1',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

describe('webhooks survive a crashed instance', () => {
  let redis: Redis;
  let store: Storage;
  let sink: WebhookSink;
  let child: ChildProcess | null = null;

  beforeEach(async () => {
    redis = new Redis(redisUrlWithDb());
    await redis.flushdb();
    store = createRedisStorage(redis, { clock: systemClock, ownsConnection: false });
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await sink.close();
    await redis.flushdb();
    await redis.quit();
  });

  it('delivers all 20 waiting events after the service is killed with SIGKILL mid-delivery and restarted', async () => {
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      const id = `onb_crashtest${String(i).padStart(4, '0')}`;
      await store.webhookQueue.enqueueWebhooks(
        id,
        [
          {
            webhook_id: `msg_crash${i}`,
            body: JSON.stringify({ type: 'login.completed', data: { onboarding_id: id } }),
          },
        ],
        now,
      );
    }
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    sink.script(...Array.from({ length: 20 }, () => ({ status: 200, holdUntil: held })));

    child = await startService(sink);
    // The first instance takes up to WEBHOOK_CONCURRENCY (16) deliveries and hangs in them.
    await eventually(() => sink.arrived() >= 16, 20000, 'deliveries in flight');
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    // Wait until the receiver has seen the dead connections close, then let its handlers go on.
    await eventually(() => sink.heldOpen() === 0, 5000, 'held connections closed');
    release();
    expect(sink.received).toHaveLength(0);

    child = await startService(sink);
    await sink.waitFor(20, 30000);
    await eventually(
      async () => (await store.webhookQueue.stats(Date.now())).depth === 0,
      10000,
      'queue drained',
    );

    const ids = sink.received.map((r) => r.headers['webhook-id']).sort();
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `msg_crash${i}`).sort());
  }, 60000);

  it('on SIGTERM with a delivery hanging, exits 0 within 10 s and hands the webhook back to the queue', async () => {
    await store.webhookQueue.enqueueWebhooks(
      'onb_sigtermtest0001',
      [{ webhook_id: 'msg_sigterm', body: '{"type":"login.completed","data":{}}' }],
      Date.now(),
    );
    sink.script({ status: 200, holdUntil: new Promise<void>(() => {}) });
    child = await startService(sink, { WEBHOOK_TIMEOUT: '60' });
    await eventually(() => sink.arrived() === 1, 20000, 'delivery in flight');

    const exited = new Promise<number | null>((resolve) =>
      child!.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    let lateTimer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<'late'>((resolve) => (lateTimer = setTimeout(() => resolve('late'), 10000))),
    ]);
    // A pending 10 s timer would keep the jest worker alive after the suite.
    clearTimeout(lateTimer);

    expect(code).toBe(0);
    child = null;
    // Its lease (60 s + 5 s) was released: it is due again now, for another instance.
    const due = await store.webhookQueue.claimDue(Date.now(), 1000, 10);
    expect(due.map((w) => w.webhook_id)).toEqual(['msg_sigterm']);
  }, 30000);
});
