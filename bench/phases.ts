// The measured phases: baseline, callbacks, POST latency, webhook latency and backlog drain.
import { join } from 'node:path';
import { Pool } from 'undici';
import { cryptoRandom } from '../src/lib/ids';
import { newWebhookId } from '../src/webhooks/events';
import { cpuUsBetween, progress, type BenchContext } from './context';
import {
  cpuShares,
  redisCommandsPer,
  redisScriptCallsPer,
  snapshotCpu,
  type CpuShares,
} from './cpu-accounting';
import { runEachPathOnce, runForDuration, runPaced, serialLatencies, type LoadRun } from './load';
import { createBody, prepareOnboardings, type PreparedOnboarding } from './onboardings';
import { HISTORY_FIELD } from '../src/store/history-codec';
import {
  countStatuses,
  eventFeedBytes,
  meanFieldLength,
  meanKeyBytes,
  usedMemory,
  webhookQueueBytes,
} from './redis-memory';
import { storeKeys } from '../src/store/keys';
import type { Check } from './report';
import { forEachLimit, percentiles, type Percentiles } from './stats';
import { nowMs } from './webhook-sink';

const BASELINE_PATH = `/callback?state=${'s'.repeat(43)}&link_id=${'l'.repeat(20)}&link_verifier=${'v'.repeat(43)}`;

export interface BaselineResult {
  load: LoadRun;
  cpuUsPerRequest: number;
  rssBytes: number;
  serial: Percentiles;
}

export async function measureBaseline(ctx: BenchContext): Promise<BaselineResult> {
  const { options, baseline } = ctx;
  progress(`baseline: bare Express 302 over HTTPS, ${options.baselineSeconds} s`);
  await runForDuration(
    baseline.info.url,
    BASELINE_PATH,
    options.connections,
    options.baselineWarmupSeconds,
  );
  const before = await baseline.usage();
  const load = await runForDuration(
    baseline.info.url,
    BASELINE_PATH,
    options.connections,
    options.baselineSeconds,
  );
  const after = await baseline.usage();
  const pool = new Pool(baseline.info.url, {
    connections: 1,
    connect: { rejectUnauthorized: false },
  });
  const serial = await serialLatencies(options.serialSamples, async () => {
    const res = await pool.request({ method: 'GET', path: BASELINE_PATH });
    await res.body.dump();
  });
  await pool.close();
  return {
    load,
    cpuUsPerRequest: cpuUsBetween(before, after) / load.responses,
    rssBytes: after.rssBytes,
    serial: percentiles(serial),
  };
}

export interface CallbackResult {
  createdPerSecond: number;
  load: LoadRun;
  cpuUsPerCompletion: number;
  /** Every process's CPU per completion during the load (the service's is cpuUsPerCompletion). */
  shares: CpuShares;
  /** Every Redis command of a completion and of its webhook's delivery. */
  redisCommandsPerCompletion: number;
  /** The scripts among them (EVALSHA/EVAL), each one round trip. */
  redisScriptCallsPerCompletion: number;
  /** Including the webhook deliveries that followed, until the last one arrived. */
  cpuUsPerCompletionWithWebhooks: number;
  deliveredSeconds: number;
  rssAfterLoadBytes: number;
  memory: {
    pendingBytesPerOnboarding: number;
    pendingRecordBytes: number;
    completedBytesPerOnboarding: number;
    completedRecordBytes: number;
    /** The history text inside a completed record (its share of completedRecordBytes). */
    completedHistoryChars: number;
    webhookQueueBytesPerCompleted: number;
    /** Each completion's event in the feed and its deliveries (attempts), kept 30 days. */
    eventFeedBytesPerCompleted: number;
  };
  checks: Check[];
}

/** Onboardings for the timed phase: enough for about callbackSeconds at the warm-up's rate. */
function timedCount(options: BenchContext['options'], warmupPerSecond: number): number {
  if (options.callbacks !== null) return options.callbacks;
  const wanted = Math.round(warmupPerSecond * options.callbackSeconds);
  return Math.min(60_000, Math.max(options.quick ? 1000 : 2000, wanted));
}

export async function measureCallbacks(ctx: BenchContext): Promise<CallbackResult> {
  const { options, service, redis, prefix, sink } = ctx;
  const prepare = (count: number, tag: string) =>
    prepareOnboardings(
      ctx.clients,
      service.info,
      ctx.simulator.info,
      count,
      options.connections,
      tag,
    );

  progress(`warm-up: preparing and completing ${options.warmupCallbacks} onboardings`);
  const warmup = (await prepare(options.warmupCallbacks, 'warm-up')).onboardings;
  sink.reset();
  const warmupLoad = await runEachPathOnce(
    service.info.url,
    warmup.map(callbackPath),
    options.connections,
  );
  await sink.waitFor(warmup.length, 60_000);

  const count = timedCount(options, warmupLoad.perSecond);
  const memoryBefore = await usedMemory(redis);
  const queueBefore = await webhookQueueBytes(redis, prefix);
  const feedBefore = await eventFeedBytes(redis, prefix);
  progress(`preparing ${count} onboardings (POST /v1/onboardings + simulator authenticate)`);
  const { onboardings: measured, createSeconds } = await prepare(count, 'callback');
  const memoryPending = await usedMemory(redis);
  const keys = storeKeys(prefix);
  const sample = measured.slice(0, 500).map((o) => o.onboardingId);
  const pendingRecordBytes = await meanKeyBytes(redis, sample.map(keys.record));

  progress(`callbacks: ${count} distinct onboardings, ${options.connections} connections`);
  sink.reset();
  if (options.cpuProf) await service.call('profile:start');
  const before = await snapshotCpu(ctx);
  const started = performance.now();
  const load = await runEachPathOnce(
    service.info.url,
    measured.map(callbackPath),
    options.connections,
  );
  const afterLoad = await snapshotCpu(ctx);
  const shares = cpuShares(before, afterLoad, count);
  await sink.waitFor(count, 120_000).catch((err: Error) => progress(err.message));
  const deliveredSeconds = (performance.now() - started) / 1000;
  const afterDelivery = await snapshotCpu(ctx);
  if (options.cpuProf) {
    const file = join(ctx.resultsDir, 'profiles', `service-callbacks-${ctx.timestamp}.cpuprofile`);
    await service.call('profile:stop', file);
  }

  const memoryCompleted = await usedMemory(redis);
  const queueAfter = await webhookQueueBytes(redis, prefix);
  const feedAfter = await eventFeedBytes(redis, prefix);
  const ids = [...warmup, ...measured].map((o) => o.onboardingId);
  const statuses = await countStatuses(redis, prefix, ids);
  const answered303 = load.statusCodes['303'] ?? 0;
  const matched = measured.filter((o) => sink.arrivals.has(o.onboardingId)).length;
  return {
    createdPerSecond: count / createSeconds,
    load,
    cpuUsPerCompletion: shares.serviceUs,
    shares,
    cpuUsPerCompletionWithWebhooks: cpuUsBetween(before.service, afterDelivery.service) / count,
    redisCommandsPerCompletion: redisCommandsPer(before, afterDelivery, count, 1),
    redisScriptCallsPerCompletion: redisScriptCallsPer(before, afterDelivery, count),
    deliveredSeconds,
    rssAfterLoadBytes: afterLoad.service.rssBytes,
    memory: {
      pendingBytesPerOnboarding: (memoryPending - memoryBefore) / count,
      pendingRecordBytes,
      completedBytesPerOnboarding: (memoryCompleted - memoryBefore) / count,
      completedRecordBytes: await meanKeyBytes(redis, sample.map(keys.record)),
      completedHistoryChars: await meanFieldLength(redis, sample.map(keys.record), HISTORY_FIELD),
      webhookQueueBytesPerCompleted: (queueAfter - queueBefore) / count,
      eventFeedBytesPerCompleted: (feedAfter - feedBefore) / count,
    },
    checks: [
      {
        what: 'every callback answered 303 to its return_url',
        ok: answered303 === count && load.errors === 0 && load.timeouts === 0,
        detail: `${JSON.stringify(load.statusCodes)}, ${load.errors} errors, ${load.timeouts} timeouts, ${count} sent`,
      },
      {
        what: 'every onboarding completed in Redis',
        ok: statuses.completed === ids.length,
        detail: `${JSON.stringify(statuses)} of ${ids.length}`,
      },
      {
        what: 'one webhook delivered per completion',
        ok: matched === count && sink.received() === count,
        detail: `${matched} matched, ${sink.received()} received, ${count} expected`,
      },
    ],
  };
}

function callbackPath(onboarding: PreparedOnboarding): string {
  return onboarding.callbackPath;
}

export interface PostLatencyResult {
  service: Percentiles;
  upstream: Percentiles;
}

export async function measurePostLatency(ctx: BenchContext): Promise<PostLatencyResult> {
  const { options, service, simulator } = ctx;
  progress(
    `POST /v1/onboardings vs the upstream's own POST, ${options.serialSamples} each, serial`,
  );
  const servicePool = new Pool(service.info.url, {
    connections: 1,
    connect: { rejectUnauthorized: false },
  });
  const upstreamPool = new Pool(simulator.info.url, { connections: 1 });
  const upstreamPath = `${new URL(simulator.info.apiUrl).pathname}/ds/login/link`;
  const post = async (pool: Pool, path: string, auth: string, body: string) => {
    const res = await pool.request({
      method: 'POST',
      path,
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body,
    });
    const text = await res.body.text();
    if (res.statusCode !== 201) throw new Error(`POST ${path} answered ${res.statusCode}: ${text}`);
  };
  const sendService = (i: number) =>
    post(servicePool, '/v1/onboardings', service.info.apiKey, createBody(`serial ${i}`));
  // The body the service's client sends upstream (src/supermetrics/client.ts createLink).
  const sendUpstream = (i: number) =>
    post(
      upstreamPool,
      upstreamPath,
      simulator.info.apiKey,
      JSON.stringify({
        ds_id: 'GA',
        expiry_time: '24 hours',
        description: `bench serial ${i}`,
        redirect_url: `${service.info.url}/callback?state=${'s'.repeat(43)}`,
      }),
    );
  await serialLatencies(50, sendService);
  await serialLatencies(50, sendUpstream);
  const upstream = percentiles(await serialLatencies(options.serialSamples, sendUpstream));
  const serviceLatency = percentiles(await serialLatencies(options.serialSamples, sendService));
  await servicePool.close();
  await upstreamPool.close();
  return { service: serviceLatency, upstream };
}

export interface WebhookLatencyResult {
  rate: number;
  completions: number;
  /** From the event's timestamp (the completion, service clock) to its arrival at the receiver. */
  fromCompletion: Percentiles;
  /** From the callback's response reaching the browser (here: the bench) to the arrival. */
  fromResponse: Percentiles;
  checks: Check[];
}

export async function measureWebhookLatency(ctx: BenchContext): Promise<WebhookLatencyResult> {
  const { options, sink } = ctx;
  const count = options.webhookRate * options.webhookSeconds;
  progress(`preparing ${count} onboardings for the webhook latency phase`);
  const { onboardings } = await prepareOnboardings(
    ctx.clients,
    ctx.service.info,
    ctx.simulator.info,
    count,
    options.connections,
    'webhook',
  );
  progress(`webhook latency: ${count} callbacks at ${options.webhookRate}/s`);
  sink.reset();
  const paced = await runPaced(
    ctx.clients.service,
    onboardings.map((o) => o.callbackPath),
    options.webhookRate,
  );
  await sink.waitFor(count, 60_000).catch((err: Error) => progress(err.message));
  const fromCompletion: number[] = [];
  const fromResponse: number[] = [];
  onboardings.forEach((o, i) => {
    const arrival = sink.arrivals.get(o.onboardingId);
    if (!arrival) return;
    fromCompletion.push(arrival.atMs - arrival.eventMs);
    fromResponse.push(arrival.atMs - paced.doneAtMs[i]!);
  });
  const ok = paced.statuses.filter((s) => s === 303).length;
  return {
    rate: count / paced.seconds,
    completions: count,
    fromCompletion: percentiles(fromCompletion),
    fromResponse: percentiles(fromResponse),
    checks: [
      {
        what: 'paced callbacks answered 303 and each webhook arrived',
        ok: ok === count && fromCompletion.length === count,
        detail: `${ok} answered 303, ${fromCompletion.length} delivered, ${count} sent in ${paced.seconds.toFixed(1)} s`,
      },
    ],
  };
}

export interface BacklogResult {
  events: number;
  seconds: number;
  perSecond: number;
  cpuUsPerDelivery: number;
  checks: Check[];
}

export async function measureBacklog(ctx: BenchContext): Promise<BacklogResult> {
  const { options, service, sink, storage } = ctx;
  const events = options.backlogEvents;
  progress(`backlog: ${events} events enqueued with the worker stopped, then drained`);
  await service.call('webhooks:stop');
  const run = Date.now().toString(36);
  await forEachLimit(events, 100, async (i) => {
    const onboardingId = `onb_backlog${run}x${i}`;
    const body = JSON.stringify({
      type: 'login.completed',
      timestamp: new Date().toISOString(),
      data: { onboarding_id: onboardingId },
    });
    await storage.webhookQueue.enqueueWebhooks(
      onboardingId,
      [{ webhook_id: newWebhookId(cryptoRandom), body }],
      Date.now(),
    );
  });
  sink.reset();
  const before = await service.usage();
  const started = nowMs();
  await service.call('webhooks:start');
  await sink.waitFor(events, 180_000).catch((err: Error) => progress(err.message));
  const seconds = (nowMs() - started) / 1000;
  const after = await service.usage();
  return {
    events,
    seconds,
    perSecond: sink.received() / seconds,
    cpuUsPerDelivery: cpuUsBetween(before, after) / Math.max(1, sink.received()),
    checks: [
      {
        what: 'the whole backlog was delivered',
        ok: sink.arrivals.size === events,
        detail: `${sink.arrivals.size} of ${events} in ${seconds.toFixed(1)} s`,
      },
    ],
  };
}
