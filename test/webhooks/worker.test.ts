// The webhook worker on an in-memory queue: retries, dead letters, concurrency, stop and drained().
import { ManualClock } from '../../src/lib/clock';
import { createMemoryStorage, type MemoryStorage } from '../../src/store/storage';
import type { QueuedWebhook } from '../../src/store/store';
import type { DeliveryOutcome } from '../../src/webhooks/deliver';
import { createWebhookWorker, type WebhookWorker } from '../../src/webhooks/worker';
import { captureLog } from '../helpers/log-capture';
import { eventually } from '../helpers/webhook-sink';

const ONB = 'onb_workertest0001';

function setup(
  answers: DeliveryOutcome[],
  options: { retryDelaysMs?: number[]; concurrency?: number } = {},
) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22));
  const store = createMemoryStorage(clock);
  const attempts: QueuedWebhook[] = [];
  let hold: Promise<void> | null = null;
  const worker = createWebhookWorker({
    queue: store.webhookQueue,
    clock,
    logger: captureLog().logger,
    pollMs: 10,
    leaseMs: 1000,
    retryDelaysMs: options.retryDelaysMs ?? [1000, 2000],
    concurrency: options.concurrency,
    random: () => 0.5,
    deliver: async (webhook) => {
      attempts.push(webhook);
      if (hold) await hold;
      return answers.shift() ?? { result: 'delivered', status: 200 };
    },
  });
  return { clock, store, worker, attempts, holdWith: (p: Promise<void> | null) => (hold = p) };
}

async function enqueue(store: MemoryStorage, clock: ManualClock, id = 'msg_w1') {
  await store.webhookQueue.enqueueWebhooks(
    ONB,
    [{ webhook_id: id, body: '{"type":"login.completed"}' }],
    clock.now(),
  );
}

describe('webhook worker', () => {
  let worker: WebhookWorker | null = null;
  afterEach(async () => {
    await worker?.stop(100);
  });

  it('reschedules a failure after the schedule delay, keeping it until then', async () => {
    const t = setup([{ result: 'retry', error: 'HTTP 500', status: 500, retryAfterSeconds: null }]);
    worker = t.worker;
    await enqueue(t.store, t.clock);
    t.worker.start();
    await eventually(() => t.attempts.length === 1, 2000, 'first attempt');
    await t.worker.idle();

    expect(await t.store.webhookQueue.claimDue(t.clock.now() + 999, 1, 10)).toEqual([]);
    t.clock.advance(1000);
    t.worker.wake();
    await eventually(() => t.attempts.length === 2, 2000, 'second attempt');
    expect(t.attempts[1]).toMatchObject({
      webhook_id: 'msg_w1',
      attempts: 1,
      last_error: 'HTTP 500',
    });
  });

  it('honours a longer Retry-After from the receiver', async () => {
    const t = setup([{ result: 'retry', error: 'HTTP 429', status: 429, retryAfterSeconds: 1.5 }]);
    worker = t.worker;
    await enqueue(t.store, t.clock);
    t.worker.start();
    await eventually(() => t.attempts.length === 1, 2000, 'first attempt');
    await t.worker.idle();
    expect(await t.store.webhookQueue.claimDue(t.clock.now() + 1499, 1, 10)).toEqual([]);
    expect(await t.store.webhookQueue.claimDue(t.clock.now() + 1500, 1, 10)).toHaveLength(1);
  });

  it('moves an event to dead letters when its retries run out', async () => {
    const fail: DeliveryOutcome = {
      result: 'retry',
      error: 'timeout',
      status: null,
      retryAfterSeconds: null,
    };
    const t = setup([fail, fail, fail], { retryDelaysMs: [10, 10] });
    worker = t.worker;
    await enqueue(t.store, t.clock);
    t.worker.start();
    for (let n = 1; n <= 3; n++) {
      await eventually(() => t.attempts.length === n, 2000, `attempt ${n}`);
      await t.worker.idle();
      t.clock.advance(10);
      t.worker.wake();
    }
    await eventually(
      async () => (await t.store.webhookQueue.stats(t.clock.now())).deadLetters === 1,
      2000,
      'dead letter',
    );
    const { items } = await t.store.webhookQueue.listDeadLetters(10);
    expect(items[0]).toMatchObject({
      webhook_id: 'msg_w1',
      attempts: 3,
      last_error: 'timeout (retries exhausted)',
    });
  });

  it('dead-letters a refusal at once', async () => {
    const t = setup([{ result: 'refused', error: 'HTTP 410', status: 410 }]);
    worker = t.worker;
    await enqueue(t.store, t.clock);
    t.worker.start();
    await eventually(
      async () => (await t.store.webhookQueue.stats(t.clock.now())).deadLetters === 1,
      2000,
      'dead letter',
    );
    expect(t.attempts).toHaveLength(1);
  });

  it('keeps at most `concurrency` deliveries in flight', async () => {
    const t = setup([], { concurrency: 2 });
    worker = t.worker;
    let release!: () => void;
    t.holdWith(new Promise<void>((r) => (release = r)));
    for (let i = 0; i < 5; i++) await enqueue(t.store, t.clock, `msg_c${i}`);
    t.worker.start();
    await eventually(() => t.attempts.length === 2, 2000, 'two in flight');
    t.worker.wake();
    await new Promise((r) => setImmediate(r));
    expect(t.attempts).toHaveLength(2);
    t.holdWith(null);
    release();
    await eventually(() => t.attempts.length === 5, 2000, 'all attempted');
  });

  it('on stop, takes no new work and hands unfinished deliveries back to the queue', async () => {
    const t = setup([]);
    let release!: () => void;
    t.holdWith(new Promise<void>((r) => (release = r)));
    await enqueue(t.store, t.clock);
    t.worker.start();
    await eventually(() => t.attempts.length === 1, 2000, 'in flight');

    await t.worker.stop(20);
    // Released: due again now for another instance, although its lease had 1 s to run.
    expect(await t.store.webhookQueue.claimDue(t.clock.now(), 1000, 10)).toHaveLength(1);
    await enqueue(t.store, t.clock, 'msg_after_stop');
    t.worker.wake();
    // One turn of the event loop runs all that the wake set off (the queue is in memory): a worker
    // still claiming would have taken and attempted the new webhook by now.
    await new Promise((r) => setImmediate(r));
    expect(t.attempts).toHaveLength(1);
    // The new webhook is still waiting, unclaimed, for another instance.
    expect(await t.store.webhookQueue.claimDue(t.clock.now(), 1000, 10)).toMatchObject([
      { webhook_id: 'msg_after_stop' },
    ]);
    release();
  });

  it('drained() resolves once everything due was delivered and nothing is in flight', async () => {
    const t = setup([], { concurrency: 1 });
    worker = t.worker;
    for (let i = 0; i < 3; i++) await enqueue(t.store, t.clock, `msg_d${i}`);
    t.worker.start();
    await t.worker.drained();
    expect(t.attempts.map((w) => w.webhook_id).sort()).toEqual(['msg_d0', 'msg_d1', 'msg_d2']);
    await expect(t.store.webhookQueue.stats(t.clock.now())).resolves.toMatchObject({ depth: 0 });
  });

  it('drained() waits for webhooks that fall due when the clock moves on', async () => {
    const t = setup([{ result: 'retry', error: 'HTTP 500', status: 500, retryAfterSeconds: null }]);
    worker = t.worker;
    await enqueue(t.store, t.clock);
    t.worker.start();
    // The retry waits 1 s on the clock: not due yet, so the queue counts as drained.
    await t.worker.drained();
    expect(t.attempts).toHaveLength(1);
    t.clock.advance(1000);
    await t.worker.drained();
    expect(t.attempts).toHaveLength(2);
    await expect(t.store.webhookQueue.stats(t.clock.now())).resolves.toMatchObject({ depth: 0 });
  });
});
