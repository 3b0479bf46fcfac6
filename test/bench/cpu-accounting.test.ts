// The bench's CPU accounting: per-completion shares of each process, the machine's busy share, and
// the Redis counts less the bench's own INFO calls.
import {
  cpuShares,
  redisCommandsPer,
  redisScriptCallsPer,
  type CpuSnapshot,
} from '../../bench/cpu-accounting';

function usage(cpuUs: number) {
  return { userUs: cpuUs * 0.75, systemUs: cpuUs * 0.25, rssBytes: 0, heapUsedBytes: 0 };
}

function snapshot(fields: {
  service: number;
  simulator: number;
  redis: number;
  bench: number;
  busy: number;
  total: number;
  commands: number;
  scripts: number;
}): CpuSnapshot {
  return {
    service: usage(fields.service),
    simulator: usage(fields.simulator),
    redisUs: fields.redis,
    redisCommands: fields.commands,
    redisScriptCalls: fields.scripts,
    bench: usage(fields.bench),
    machineBusyUs: fields.busy,
    machineTotalUs: fields.total,
  };
}

describe('bench CPU accounting', () => {
  const before = snapshot({
    service: 1_000,
    simulator: 500,
    redis: 200,
    bench: 300,
    busy: 10_000,
    total: 40_000,
    commands: 10,
    scripts: 4,
  });
  const after = snapshot({
    service: 601_000,
    simulator: 200_500,
    redis: 80_200,
    bench: 120_300,
    busy: 1_010_000,
    total: 2_040_000,
    commands: 27_012,
    scripts: 3_204,
  });

  it("divides each process's CPU between the readings by the completions", () => {
    expect(cpuShares(before, after, 1000)).toEqual({
      serviceUs: 600,
      simulatorUs: 200,
      redisUs: 80,
      benchUs: 120,
      machineUs: 1000,
      machineBusy: 0.5,
    });
  });

  it('counts Redis commands without the INFO calls the readings made', () => {
    // 27,002 commands: 27,000 from the service, the first reading's INFO and one reading between.
    expect(redisCommandsPer(before, after, 1000, 1)).toBe(27);
    expect(redisScriptCallsPer(before, after, 1000)).toBe(3.2);
  });
});
