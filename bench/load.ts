// Load generation: autocannon runs (fixed duration or one distinct URL per request), serial and paced loops.
import autocannon from 'autocannon';
import type { Pool } from 'undici';
import { nowMs } from './webhook-sink';

export interface LoadRun {
  seconds: number;
  /** Responses received. */
  responses: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
}

function summarize(result: autocannon.Result, seconds: number): LoadRun {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count ?? 0;
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    seconds,
    responses,
    perSecond: responses / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/**
 * Runs autocannon and times it from its start to its last response. autocannon itself stops (and
 * resolves) only on its next one-second sample tick, so its own duration can overstate a run by up to
 * a second: on a four-second phase that is a quarter of the rate.
 */
async function timedAutocannon(options: autocannon.Options): Promise<LoadRun> {
  const started = performance.now();
  let lastResponseAt = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const tracker = autocannon(options, (err, res) => (err ? reject(err) : resolve(res)));
    tracker.on('response', () => (lastResponseAt = performance.now()));
  });
  return summarize(result, (lastResponseAt - started) / 1000);
}

/** GET `path` over and over on `connections` keep-alive connections for `seconds`. */
export function runForDuration(
  url: string,
  path: string,
  connections: number,
  seconds: number,
): Promise<LoadRun> {
  return timedAutocannon({ url: `${url}${path}`, connections, duration: seconds });
}

/** Sends each path exactly once, `connections` at a time on keep-alive connections. */
export async function runEachPathOnce(
  url: string,
  paths: readonly string[],
  connections: number,
): Promise<LoadRun> {
  let next = 0;
  const run = await timedAutocannon({
    url,
    connections,
    amount: paths.length,
    timeout: 30,
    // It stops on a sample tick: a short interval keeps the idle tail out of the CPU readings.
    sampleInt: 100,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }),
      },
    ],
  });
  if (next !== paths.length)
    throw new Error(`the load generator sent ${next} requests for ${paths.length} paths`);
  return run;
}

/** Latency in ms of `count` requests sent one after the other. */
export async function serialLatencies(
  count: number,
  send: (index: number) => Promise<void>,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await send(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

export interface PacedResult {
  /** When each path's response arrived (wall-clock ms), by index. */
  doneAtMs: number[];
  statuses: number[];
  seconds: number;
}

/** GETs each path once at a steady `perSecond`, whatever the answers' latency (open loop). */
export async function runPaced(
  pool: Pool,
  paths: readonly string[],
  perSecond: number,
): Promise<PacedResult> {
  const doneAtMs: number[] = new Array(paths.length);
  const statuses: number[] = new Array(paths.length);
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < paths.length) {
    const due = Math.min(
      paths.length,
      Math.floor(((performance.now() - start) * perSecond) / 1000) + 1,
    );
    for (; sent < due; sent++) {
      const index = sent;
      inFlight.push(
        pool.request({ method: 'GET', path: paths[index]! }).then(async (res) => {
          await res.body.dump();
          doneAtMs[index] = nowMs();
          statuses[index] = res.statusCode;
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inFlight);
  return { doneAtMs, statuses, seconds: (performance.now() - start) / 1000 };
}
