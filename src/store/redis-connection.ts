// Opens the Redis connection the config names: one node (REDIS_URL) or a cluster (REDIS_CLUSTER_NODES).
import Redis, { Cluster, type RedisOptions } from 'ioredis';

export type RedisConnection = Redis | Cluster;

// Fail commands fast while Redis is away (requests answer SERVICE_UNAVAILABLE), reconnect forever.
const COMMON_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 3000,
  commandTimeout: 3000,
  retryStrategy: (times) => Math.min(times * 100, 2000),
  // Commands issued in the same tick (concurrent callbacks, a worker's acks) go out in one write:
  // each socket write is a syscall, which the bench shows as the largest single cost on loopback.
  enableAutoPipelining: true,
};

export function connectRedis(
  target: { url: string } | { clusterNodes: { host: string; port: number }[] },
  connectionName = 'login-link-receiver',
): RedisConnection {
  if ('url' in target) return new Redis(target.url, { ...COMMON_OPTIONS, connectionName });
  return new Cluster(target.clusterNodes, {
    redisOptions: { ...COMMON_OPTIONS, connectionName },
    enableAutoPipelining: true,
    clusterRetryStrategy: (times) => Math.min(times * 100, 2000),
  });
}
