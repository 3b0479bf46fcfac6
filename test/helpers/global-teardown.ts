// Jest global teardown: stops the private redis-server started by global-setup, if any.
import type { RedisProcess } from './redis-server';

export default async function globalTeardown(): Promise<void> {
  const redis = (globalThis as { __llrRedis?: RedisProcess }).__llrRedis;
  if (redis) await redis.stop();
}
