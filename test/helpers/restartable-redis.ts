// A private redis-server with append-only persistence that a test can stop and start again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForRedis } from './redis-server';

export interface RestartableRedis {
  port: number;
  url: string;
  /** Starts it (again), on the same port and data directory. */
  start(extraArgs?: string[]): Promise<void>;
  /** SIGTERM: Redis flushes its append-only file and exits; resolves once it has. */
  stop(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export async function startRestartableRedis(): Promise<RestartableRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'llr-outage-'));
  let child: ChildProcess | null = null;

  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await exited;
  };

  const redis: RestartableRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start(extraArgs = []) {
      if (child) throw new Error('redis is already running');
      child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'yes',
          '--appendfsync',
          'always',
          '--dir',
          dir,
          ...extraArgs,
        ],
        { stdio: 'ignore' },
      );
      await waitForRedis(port, '127.0.0.1', 5000);
    },
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await redis.start();
  return redis;
}
