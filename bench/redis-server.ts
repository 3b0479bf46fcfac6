// A private redis-server on a free port for one bench run (or REDIS_URL when set).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchRedis {
  url: string;
  /** True when the bench started it (and may flush it); false for REDIS_URL. */
  private: boolean;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
  });
}

async function waitForRedis(port: number, deadlineMs = 10000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await answersPing(port))) {
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startBenchRedis(): Promise<BenchRedis> {
  if (process.env.REDIS_URL)
    return { url: process.env.REDIS_URL, private: false, stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'llr-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore', cwd: dir },
  );
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (err) =>
      reject(new Error(`redis-server could not start (${err.message}); set REDIS_URL instead`)),
    ),
  );
  await Promise.race([waitForRedis(port), failed]);
  return {
    url: `redis://127.0.0.1:${port}`,
    private: true,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
