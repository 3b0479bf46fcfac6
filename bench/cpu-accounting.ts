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
  /** total_commands_processed of the Redis server (commands inside scripts and INFO included). */
  redisCommands: number;
  /** EVALSHA and EVAL calls: the scripts run, each one round trip. */
  redisScriptCalls: number;
  bench: ProcessUsage;
  /** Summed over every core, in µs. */
  machineBusyUs: number;
  machineTotalUs: number;
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

async function redisCounters(
  redis: Redis,
): Promise<{ cpuUs: number; commands: number; scriptCalls: number }> {
  const info = await redis.info('all');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  const seconds = read('used_cpu_user') + read('used_cpu_sys');
  const commands = read('total_commands_processed');
  if (!Number.isFinite(seconds) || !Number.isFinite(commands))
    throw new Error('Redis INFO has no used_cpu_user/used_cpu_sys/total_commands_processed');
  const calls = (name: string) =>
    Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { cpuUs: seconds * 1e6, commands, scriptCalls: calls('evalsha') + calls('eval') };
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

/** Redis commands between two snapshots, per `count`, less the INFO calls of the snapshots themselves. */
export function redisCommandsPer(
  before: CpuSnapshot,
  after: CpuSnapshot,
  count: number,
  snapshotsBetween = 0,
): number {
  return (after.redisCommands - before.redisCommands - 1 - snapshotsBetween) / count;
}

export function redisScriptCallsPer(
  before: CpuSnapshot,
  after: CpuSnapshot,
  count: number,
): number {
  return (after.redisScriptCalls - before.redisScriptCalls) / count;
}

export async function snapshotCpu(ctx: BenchContext): Promise<CpuSnapshot> {
  const [service, simulator, redis] = await Promise.all([
    ctx.service.usage(),
    ctx.simulator.usage(),
    redisCounters(ctx.redis),
  ]);
  const machine = machineTimes();
  return {
    service,
    simulator,
    redisUs: redis.cpuUs,
    redisCommands: redis.commands,
    redisScriptCalls: redis.scriptCalls,
    bench: processUsage(),
    machineBusyUs: machine.busyUs,
    machineTotalUs: machine.totalUs,
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
