// `npm run bench`: starts Redis, the simulator, the service and a bare Express baseline, measures, reports.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { systemClock } from '../src/lib/clock';
import { createRedisStorage } from '../src/store/storage';
import { startChild, type BenchChild } from './children';
import { CAMPAIGN_MODES, campaignOptions, measureCampaign } from './campaign';
import { modePrefix } from './campaign-run';
import { progress, type BenchContext } from './context';
import { formatProfile, summarizeProfile, type ProfileSummary } from './cpu-profile';
import { openClients } from './onboardings';
import { parseOptions, type BenchOptions } from './options';
import {
  measureBacklog,
  measureBaseline,
  measureCallbacks,
  measurePostLatency,
  measureWebhookLatency,
} from './phases';
import { deletePrefix } from './redis-memory';
import { startBenchRedis, type BenchRedis } from './redis-server';
import { figure, formatTable, writeReport, type Check, type Figure } from './report';
import type { ServiceInfo } from './service-child';
import type { SimulatorInfo } from './simulator-child';
import { startSink } from './webhook-sink';

const RESULTS_DIR = resolve(__dirname, '..', '..', 'bench', 'results');
const MB = 1024 * 1024;

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

async function measureAll(ctx: BenchContext): Promise<{ figures: Figure[]; checks: Check[] }> {
  const base = await measureBaseline(ctx);
  const cb = await measureCallbacks(ctx);
  const post = await measurePostLatency(ctx);
  const hooks = await measureWebhookLatency(ctx);
  const backlog = await measureBacklog(ctx);
  const final = await ctx.service.usage();

  const bareRps = { value: base.load.perSecond, against: 'bare Express req/s' };
  const bareCpu = { value: base.cpuUsPerRequest, against: 'bare Express CPU/req' };
  const bareSerial = { value: base.serial.p50, against: 'bare Express serial p50' };
  const bareRss = { value: base.rssBytes / MB, against: 'bare Express RSS' };
  const addedP50 = post.service.p50 - post.upstream.p50;
  const addedP99 = post.service.p99 - post.upstream.p99;
  const figures = [
    figure('baseline.rps', 'bare Express 302 over HTTPS', base.load.perSecond, 'req/s'),
    figure('baseline.p50', 'bare Express latency p50', base.load.p50Ms, 'ms'),
    figure('baseline.p99', 'bare Express latency p99', base.load.p99Ms, 'ms'),
    figure('baseline.cpu', 'bare Express CPU per request', base.cpuUsPerRequest, 'µs'),
    figure('baseline.serial_p50', 'bare Express serial round trip p50', base.serial.p50, 'ms'),
    figure('baseline.rss', 'bare Express RSS after load', base.rssBytes / MB, 'MiB'),
    figure('callback.rps', '/callback completions', cb.load.perSecond, 'completions/s', bareRps),
    figure('callback.p50', '/callback latency p50', cb.load.p50Ms, 'ms', {
      value: base.load.p50Ms,
      against: 'bare Express p50',
    }),
    figure('callback.p99', '/callback latency p99', cb.load.p99Ms, 'ms', {
      value: base.load.p99Ms,
      against: 'bare Express p99',
    }),
    figure('callback.cpu', 'service CPU per completion', cb.cpuUsPerCompletion, 'µs', bareCpu),
    figure(
      'callback.cpu_simulator',
      'simulator CPU per completion',
      cb.shares.simulatorUs,
      'µs',
      bareCpu,
    ),
    figure('callback.cpu_redis', 'Redis CPU per completion', cb.shares.redisUs, 'µs', bareCpu),
    figure(
      'callback.redis_commands',
      'Redis commands per completion and its webhook (in scripts too)',
      cb.redisCommandsPerCompletion,
      'commands',
    ),
    figure(
      'callback.redis_scripts',
      'Redis script calls per completion and its webhook',
      cb.redisScriptCallsPerCompletion,
      'calls',
    ),
    figure(
      'callback.cpu_bench',
      'load generator + webhook receiver CPU per completion',
      cb.shares.benchUs,
      'µs',
      bareCpu,
    ),
    figure(
      'callback.cpu_machine',
      'machine CPU per completion (all processes)',
      cb.shares.machineUs,
      'µs',
      bareCpu,
    ),
    figure(
      'callback.machine_busy',
      'machine busy during callbacks',
      cb.shares.machineBusy * 100,
      '%',
    ),
    figure(
      'callback.ceiling_free_service',
      'completions/s the cores allow if the service cost nothing',
      (cpus().length * 1e6) / (cb.shares.machineUs - cb.shares.serviceUs),
      'completions/s',
      bareRps,
    ),
    figure(
      'callback.ceiling_one_core',
      'completions/s one core allows at the service CPU per completion',
      1e6 / cb.shares.serviceUs,
      'completions/s',
      bareRps,
    ),
    figure(
      'callback.cpu_with_webhooks',
      'service CPU per completion incl. its webhook',
      cb.cpuUsPerCompletionWithWebhooks,
      'µs',
      bareCpu,
    ),
    figure('callback.webhooks_done', 'all webhooks delivered after', cb.deliveredSeconds, 's'),
    figure(
      'post.create_rps',
      'POST /v1/onboardings at 50 conns',
      cb.createdPerSecond,
      'req/s',
      bareRps,
    ),
    figure('post.upstream_p50', 'upstream POST link p50 (serial)', post.upstream.p50, 'ms'),
    figure('post.upstream_p99', 'upstream POST link p99 (serial)', post.upstream.p99, 'ms'),
    figure('post.service_p50', 'POST /v1/onboardings p50 (serial)', post.service.p50, 'ms'),
    figure('post.service_p99', 'POST /v1/onboardings p99 (serial)', post.service.p99, 'ms'),
    figure('post.added_p50', 'POST added over upstream p50', addedP50, 'ms', bareSerial),
    figure('post.added_p99', 'POST added over upstream p99', addedP99, 'ms', {
      value: base.serial.p99,
      against: 'bare Express serial p99',
    }),
    figure('webhook.rate', 'webhook phase completion rate', hooks.rate, 'completions/s'),
    figure('webhook.p50', 'completion → delivery p50', hooks.fromCompletion.p50, 'ms', bareSerial),
    figure('webhook.p99', 'completion → delivery p99', hooks.fromCompletion.p99, 'ms', bareSerial),
    figure('webhook.resp_p50', 'callback response → delivery p50', hooks.fromResponse.p50, 'ms'),
    figure('webhook.resp_p99', 'callback response → delivery p99', hooks.fromResponse.p99, 'ms'),
    figure(
      'backlog.rate',
      `backlog drain (${backlog.events} events)`,
      backlog.perSecond,
      'events/s',
      bareRps,
    ),
    figure('backlog.seconds', 'backlog drain time', backlog.seconds, 's'),
    figure('backlog.cpu', 'service CPU per delivery', backlog.cpuUsPerDelivery, 'µs', bareCpu),
    figure(
      'redis.pending',
      'Redis per pending onboarding (INFO)',
      cb.memory.pendingBytesPerOnboarding,
      'B',
    ),
    figure(
      'redis.pending_record',
      'pending record (MEMORY USAGE)',
      cb.memory.pendingRecordBytes,
      'B',
    ),
    figure(
      'redis.completed',
      'Redis per completed onboarding (INFO)',
      cb.memory.completedBytesPerOnboarding,
      'B',
    ),
    figure(
      'redis.completed_record',
      'completed record (MEMORY USAGE)',
      cb.memory.completedRecordBytes,
      'B',
    ),
    figure(
      'redis.completed_history',
      'history text in a completed record (HSTRLEN)',
      cb.memory.completedHistoryChars,
      'B',
    ),
    figure(
      'redis.feed_per_completed',
      'events feed + deliveries per completed (MEMORY USAGE)',
      cb.memory.eventFeedBytesPerCompleted,
      'B',
    ),
    figure(
      'redis.queue_per_completed',
      'webhook queue keys per completed',
      cb.memory.webhookQueueBytesPerCompleted,
      'B',
    ),
    figure(
      'service.rss_after_callbacks',
      'service RSS after callback load',
      cb.rssAfterLoadBytes / MB,
      'MiB',
      bareRss,
    ),
    figure(
      'service.rss_final',
      'service RSS after all phases',
      final.rssBytes / MB,
      'MiB',
      bareRss,
    ),
  ];
  const target = cb.load.perSecond / base.load.perSecond;
  const checks: Check[] = [
    ...cb.checks,
    ...hooks.checks,
    ...backlog.checks,
    {
      what: 'target: completions ≥ 0.5× bare Express',
      ok: target >= 0.5,
      detail: `${target.toFixed(2)}×`,
    },
  ];
  return { figures, checks };
}

async function startProcesses(
  options: BenchOptions,
  redisUrl: string,
  prefix: string,
  sinkUrl: string,
) {
  const upstreamKey = `sim_${randomBytes(9).toString('base64url')}`;
  const simulator = await startChild<SimulatorInfo>(
    'simulator',
    join(__dirname, 'simulator-child.js'),
    { BENCH_UPSTREAM_KEY: upstreamKey },
  );
  const service = await startChild<ServiceInfo>('service', join(__dirname, 'service-child.js'), {
    BENCH_REDIS_URL: redisUrl,
    BENCH_PREFIX: prefix,
    BENCH_UPSTREAM_URL: simulator.info.apiUrl,
    BENCH_UPSTREAM_KEY: upstreamKey,
    BENCH_WEBHOOK_URL: sinkUrl,
    BENCH_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    BENCH_API_KEY: `sk_bench_${randomBytes(24).toString('base64url')}`,
    BENCH_LOG_LEVEL: options.logLevel,
    NODE_ENV: 'production',
  });
  const baseline = await startChild<{ url: string }>(
    'baseline',
    join(__dirname, 'baseline-child.js'),
    { NODE_ENV: 'production' },
  );
  return { simulator, service, baseline };
}

interface Measured {
  figures: Figure[];
  checks: Check[];
  notes: string[];
  profile?: ProfileSummary;
}

/** The load phases: the simulator, the service and the baseline as children, autocannon here. */
async function measureLoad(
  options: BenchOptions,
  redisServer: BenchRedis,
  redis: Redis,
  timestamp: string,
): Promise<Measured> {
  const prefix = `llrbench${randomBytes(4).toString('hex')}`;
  const sink = await startSink();
  const children: BenchChild<unknown>[] = [];
  let clients: ReturnType<typeof openClients> | null = null;
  try {
    progress(
      `starting redis ${redisServer.private ? '(private)' : '(REDIS_URL)'}, simulator, service, baseline`,
    );
    const { simulator, service, baseline } = await startProcesses(
      options,
      redisServer.url,
      prefix,
      sink.url,
    );
    children.push(simulator, service, baseline);
    clients = openClients(service.info, simulator.info);
    const ctx: BenchContext = {
      options,
      service,
      baseline,
      simulator,
      clients,
      redis,
      storage: createRedisStorage(redis, { prefix, clock: systemClock, ownsConnection: false }),
      prefix,
      sink,
      resultsDir: RESULTS_DIR,
      timestamp,
    };
    const { figures, checks } = await measureAll(ctx);
    let profile: ProfileSummary | undefined;
    if (options.cpuProf)
      profile = summarizeProfile(
        join(RESULTS_DIR, 'profiles', `service-callbacks-${ctx.timestamp}.cpuprofile`),
      );
    return { figures, checks, notes: [], profile };
  } finally {
    await clients?.close();
    for (const child of children.reverse()) await child.stop();
    await sink.close();
    if (!redisServer.private) await deletePrefix(redis, prefix).catch(() => {});
  }
}

/** The invitation campaign, in this process on a simulated clock, after the load phases. */
async function measureCampaignPhase(
  options: BenchOptions,
  redisServer: BenchRedis,
  redis: Redis,
): Promise<Measured> {
  const prefix = `llrcampaign${randomBytes(4).toString('hex')}`;
  try {
    return await measureCampaign(
      campaignOptions(redisServer.url, prefix, options.campaignSeed, options.campaignWaitEvery),
    );
  } finally {
    if (!redisServer.private)
      for (const mode of CAMPAIGN_MODES)
        await deletePrefix(redis, modePrefix(prefix, mode)).catch(() => {});
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const timestamp = new Date().toISOString();
  const runStarted = performance.now();
  const redisServer = await startBenchRedis();
  const redis = new Redis(redisServer.url, { lazyConnect: false });
  try {
    const measured: Measured = { figures: [], checks: [], notes: [] };
    const phases = [
      ...(options.campaignOnly
        ? []
        : [() => measureLoad(options, redisServer, redis, timestamp.replace(/[:.]/g, '-'))]),
      ...(options.campaign ? [() => measureCampaignPhase(options, redisServer, redis)] : []),
    ];
    for (const phase of phases) {
      const { figures, checks, notes, profile } = await phase();
      measured.figures.push(...figures);
      measured.checks.push(...checks);
      measured.notes.push(...notes);
      measured.profile ??= profile;
    }
    const { figures, checks, notes, profile } = measured;
    const file = writeReport(RESULTS_DIR, {
      timestamp,
      commit: gitCommit(),
      node: process.version,
      cpus: cpus().length,
      options,
      figures,
      checks,
      notes,
      profile,
    });
    const seconds = (performance.now() - runStarted) / 1000;
    const flags = [
      options.quick ? ' (--quick)' : '',
      options.campaignOnly ? ' (--campaign-only)' : '',
      options.cpuProf ? ' (--cpu-prof: figures include profiler overhead)' : '',
    ].join('');
    process.stdout.write(
      `\nlogin-link-receiver bench${flags}` +
        `, ${cpus().length} CPUs, node ${process.version}, ${seconds.toFixed(0)} s\n\n` +
        `${formatTable(figures, checks, notes)}\n\n${profile ? `${formatProfile(profile)}\n\n` : ''}results: ${file}\n`,
    );
    if (checks.some((c) => !c.ok && !c.what.startsWith('target'))) process.exitCode = 1;
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
