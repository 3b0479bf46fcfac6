// The child side of the bench's IPC: announce readiness, answer numbered commands, report CPU and RSS.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ProcessUsage {
  /** process.cpuUsage(): user and system CPU in µs since the process started. */
  userUs: number;
  systemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export type CommandHandlers = Record<string, (arg: unknown) => unknown>;

interface Command {
  id: number;
  cmd: string;
  arg?: unknown;
}

export function processUsage(): ProcessUsage {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    userUs: cpu.user,
    systemUs: cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
}

/**
 * A CPU profile of one phase through the inspector (rather than --cpu-prof for the whole life),
 * so start-up and set-up traffic stay out of it.
 */
function phaseProfiler(): CommandHandlers {
  let session: Session | null = null;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))),
    );
  return {
    'profile:start': async () => {
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
    },
    'profile:stop': async (file) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      session!.disconnect();
      session = null;
      mkdirSync(dirname(String(file)), { recursive: true });
      writeFileSync(String(file), JSON.stringify(profile));
      return String(file);
    },
  };
}

/** Serves `handlers` plus usage/profile/stop; `stop` runs `close` then exits. */
export function serveParent(handlers: CommandHandlers, close: () => Promise<void>): void {
  const all: CommandHandlers = {
    usage: () => processUsage(),
    ...phaseProfiler(),
    ...handlers,
    stop: async () => {
      await close();
      setImmediate(() => process.exit(0));
    },
  };
  process.on('message', (message: Command) => {
    void (async () => {
      try {
        const handler = all[message.cmd];
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        const value = await handler(message.arg);
        process.send?.({ id: message.id, ok: true, value });
      } catch (err) {
        process.send?.({ id: message.id, ok: false, error: (err as Error).stack ?? String(err) });
      }
    })();
  });
  // The bench died or was interrupted: nobody will stop us.
  process.on('disconnect', () => process.exit(0));
}

export function announceReady(info: object): void {
  process.send?.({ ready: info });
}

export function failStart(err: unknown): never {
  process.stderr.write(`bench child ${process.argv[1]} failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
}
