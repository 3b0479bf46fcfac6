// The parent side: forks a bench child (service, baseline, simulator), waits for it, sends it commands.
import { fork, type ChildProcess } from 'node:child_process';
import type { ProcessUsage } from './child-ipc';

export interface BenchChild<Info> {
  name: string;
  pid: number;
  info: Info;
  call<T = unknown>(cmd: string, arg?: unknown): Promise<T>;
  usage(): Promise<ProcessUsage>;
  /** Asks it to close and exit; kills it if it has not exited within 10 s. */
  stop(): Promise<void>;
}

interface Reply {
  id?: number;
  ok?: boolean;
  value?: unknown;
  error?: string;
  ready?: unknown;
}

const READY_DEADLINE_MS = 60_000;

export async function startChild<Info>(
  name: string,
  script: string,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<BenchChild<Info>> {
  // stdout (the service's JSON log lines) goes to /dev/null: formatted and written, but not kept.
  const child: ChildProcess = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready in ${READY_DEADLINE_MS} ms`)),
      READY_DEADLINE_MS,
    );
    child.on('message', (message: Reply) => {
      if (message.ready !== undefined) {
        clearTimeout(timer);
        resolve(message.ready as Info);
        return;
      }
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id!);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
    child.once('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      const error = new Error(`${name} exited (code ${code}, signal ${signal})`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });

  const call = <T>(cmd: string, arg?: unknown) =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error(`${name} has exited`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, arg });
    });

  return {
    name,
    pid: child.pid!,
    info,
    call,
    usage: () => call<ProcessUsage>('usage'),
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await call('stop').catch(() => {});
      await gone;
      clearTimeout(kill);
    },
  };
}
