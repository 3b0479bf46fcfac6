// Jest global setup: uses REDIS_URL when given, else starts a private redis-server for the run.
import { redisServerOnPath, startRedisServer, waitForRedis } from './redis-server';

export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    const url = new URL(process.env.REDIS_URL);
    await waitForRedis(Number(url.port || 6379), url.hostname).catch(() => {
      throw new Error(
        `REDIS_URL=${process.env.REDIS_URL} does not answer PING. Start Redis or unset REDIS_URL.`,
      );
    });
    return;
  }
  if (!redisServerOnPath()) {
    throw new Error(
      'The tests need Redis: set REDIS_URL=redis://host:port, or install redis-server (apt-get install redis-server) so a private one can be started.',
    );
  }
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  (globalThis as { __llrRedis?: typeof redis }).__llrRedis = redis;
}
