// Where the machine's CPU goes during a phase: the service, the simulator, Redis, the bench process
// (load generator and webhook receiver) and the machine as a whole, so a ratio can be read against
// what the other processes on the same cores leave to the service.
import { cpus } from 'node:os';
import type Redis from 'ioredis';
import { cpuUsBetween, type BenchContext } from './context';
import { processUsage, type ProcessUsage } from './child-ipc';

export interface CpuSnapshot {
  service: ProcessUsage;
  simulator: ProcessUsage;
  /** used_cpu_user + used_cpu_sys of the Redis server, in µs. */
  redisUs: number;
  bench: ProcessUsage;
  /** Summed over every core, in µs. */
  machineBusyUs: number;
  machineTotalUs: number;
  atMs: number;
}

export interface CpuShares {
  /** CPU µs per completion (or per request) by process. */
  serviceUs: number;
  simulatorUs: number;
  redisUs: number;
  benchUs: number;
  /** Every process on the machine, these and any other. */
  machineUs: number;
  /** Busy share of all cores over the phase, 0 to 1. */
  machineBusy: number;
}

async function redisCpuUs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  const seconds = read('used_cpu_user') + read('used_cpu_sys');
  if (!Number.isFinite(seconds))
    throw new Error('Redis INFO cpu has no used_cpu_user/used_cpu_sys');
  return seconds * 1e6;
}

function machineTimes(): { busyUs: number; totalUs: number } {
  let busyMs = 0;
  let totalMs = 0;
  for (const { times } of cpus()) {
    const total = times.user + times.nice + times.sys + times.idle + times.irq;
    totalMs += total;
    busyMs += total - times.idle;
  }
  return { busyUs: busyMs * 1000, totalUs: totalMs * 1000 };
}

export async function snapshotCpu(ctx: BenchContext): Promise<CpuSnapshot> {
  const [service, simulator, redisUs] = await Promise.all([
    ctx.service.usage(),
    ctx.simulator.usage(),
    redisCpuUs(ctx.redis),
  ]);
  const machine = machineTimes();
  return {
    service,
    simulator,
    redisUs,
    bench: processUsage(),
    machineBusyUs: machine.busyUs,
    machineTotalUs: machine.totalUs,
    atMs: performance.now(),
  };
}

/** Each process's CPU between two snapshots, divided by `count` (completions or requests). */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot, count: number): CpuShares {
  const machineBusyUs = after.machineBusyUs - before.machineBusyUs;
  return {
    serviceUs: cpuUsBetween(before.service, after.service) / count,
    simulatorUs: cpuUsBetween(before.simulator, after.simulator) / count,
    redisUs: (after.redisUs - before.redisUs) / count,
    benchUs: cpuUsBetween(before.bench, after.bench) / count,
    machineUs: machineBusyUs / count,
    machineBusy: machineBusyUs / (after.machineTotalUs - before.machineTotalUs),
  };
}
