// Starts a real three-master Redis Cluster on free ports for the tests that need one, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis, { type Cluster } from 'ioredis';
import { freePort, redisServerOnPath, waitForRedis } from './redis-server';

export interface RedisClusterProcess {
  nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

const SLOTS = 16384;
const HOST = '127.0.0.1';

/** '' when a cluster can be started here, else why not (for a skipped describe's name). */
export function clusterSkipReason(): string {
  return redisServerOnPath() ? '' : ' (skipped: redis-server is not on PATH)';
}

/** describe, or describe.skip with the reason in its name when redis-server is missing. */
export function describeWithCluster(name: string, body: () => void): void {
  const reason = clusterSkipReason();
  if (reason) describe.skip(`${name}${reason}`, body);
  else describe(name, body);
}

async function until<T>(
  what: string,
  deadlineMs: number,
  probe: () => Promise<T | null>,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`Redis Cluster: ${what} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function spawnNode(port: number, busPort: number, dir: string): ChildProcess {
  // An explicit bus port: port + 10000 (the default) can fall outside the port range.
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--cluster-port',
      String(busPort),
      '--bind',
      HOST,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      '2000',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
}

/**
 * Three masters, no replicas: what `redis-cli --cluster create … --cluster-replicas 0` sets up,
 * done directly (ADDSLOTSRANGE + MEET) so that it takes well under a second instead of its
 * one-second polling, and works with the explicit bus ports.
 */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'llr-cluster-'));
  const ports: { port: number; busPort: number }[] = [];
  const children: ChildProcess[] = [];
  const admins: Redis[] = [];
  const stop = async () => {
    for (const admin of admins) admin.disconnect();
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    while (ports.length < 3) {
      const port = await freePort();
      const busPort = await freePort();
      if (port === busPort || taken.has(port) || taken.has(busPort)) continue;
      taken.add(port).add(busPort);
      ports.push({ port, busPort });
    }
    for (const { port, busPort } of ports) children.push(spawnNode(port, busPort, dir));
    await Promise.all(ports.map(({ port }) => waitForRedis(port, HOST, 5000)));
    for (const { port } of ports)
      admins.push(new Redis({ host: HOST, port, maxRetriesPerRequest: 1, lazyConnect: false }));

    const share = Math.ceil(SLOTS / ports.length);
    await Promise.all(
      admins.map(async (admin, i) => {
        // Distinct epochs up front, as redis-cli does, instead of a collision to resolve later.
        await admin.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1));
        const last = Math.min((i + 1) * share, SLOTS) - 1;
        await admin.call('CLUSTER', 'ADDSLOTSRANGE', String(i * share), String(last));
      }),
    );
    for (const { port, busPort } of ports.slice(1))
      await admins[0]!.call('CLUSTER', 'MEET', HOST, String(port), String(busPort));

    await until('cluster_state:ok on every node', 5000, async () => {
      const infos = await Promise.all(
        admins.map((a) => a.call('CLUSTER', 'INFO') as Promise<string>),
      );
      return infos.every(
        (i) => i.includes('cluster_state:ok') && i.includes('cluster_known_nodes:3'),
      )
        ? true
        : null;
    });
    for (const admin of admins) admin.disconnect();
    admins.length = 0;
    return { nodes: ports.map(({ port }) => ({ host: HOST, port })), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Deletes every key under `prefix:` on every master (SCAN is per node; DEL one key at a time, as slots differ). */
export async function deleteClusterKeys(cluster: Cluster, prefix: string): Promise<void> {
  await Promise.all(
    cluster.nodes('master').map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        await Promise.all(keys.map((key) => node.del(key)));
      } while (cursor !== '0');
    }),
  );
}
