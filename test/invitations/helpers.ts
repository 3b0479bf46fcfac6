// Helpers for the invitation tests: a start link's parts, everything the harness keeps in Redis as text,
// Prometheus samples and Content-Security-Policy directives.
import supertest from 'supertest';
import type { Harness } from '../helpers/service-harness';

export type Invitation = Record<string, unknown> & { onboarding_id: string; start_url: string };

/** Creates an onboarding (by default an "on_open" one for GA) and returns its data, start_url included. */
export async function createInvitation(
  h: Harness,
  body: Record<string, unknown> = {},
): Promise<Invitation> {
  const res = await h
    .api('post', '/v1/onboardings')
    .send({ ds_id: 'GA', create_link: 'on_open', ...body });
  if (res.status !== 201)
    throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  const data = res.body.data as Invitation;
  if (typeof data.start_url !== 'string') throw new Error('the creation answered no start_url');
  return data;
}

/** The path of a start link: /start/<token>. */
export function startPathOf(startUrl: string): string {
  return new URL(startUrl).pathname;
}

/** The token of a start link: `<onboarding id>.<secret>`. */
export function tokenOf(startUrl: string): string {
  return startPathOf(startUrl).slice('/start/'.length);
}

/** The secret part of a start link's token (what proves the bearer may use it). */
export function secretOf(startUrl: string): string {
  const secret = tokenOf(startUrl).split('.')[1];
  if (!secret) throw new Error(`no secret in ${startUrl}`);
  return secret;
}

/** Every request the simulator received, over all endpoints (API, login pages, controls). */
export function upstreamRequestCount(h: Harness): number {
  return Object.values(h.sim.requestCounts()).reduce((sum, n) => sum + n, 0);
}

/** Every key under the harness's prefix with its whole value as text (sorted, so two dumps compare). */
export async function redisDump(h: Harness): Promise<Map<string, string>> {
  const { redis, prefix } = h.redis!;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const dump = new Map<string, string>();
  for (const key of keys.sort()) dump.set(key, await valueText(h, key));
  return dump;
}

async function valueText(h: Harness, key: string): Promise<string> {
  const redis = h.redis!.redis;
  const type = await redis.type(key);
  switch (type) {
    case 'string':
      return String(await redis.get(key));
    case 'hash':
      return JSON.stringify(Object.entries(await redis.hgetall(key)).sort());
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify((await redis.smembers(key)).sort());
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
    default:
      throw new Error(`unexpected Redis type ${type} at ${key}`);
  }
}

/** The dump as one text: every key and every value. */
export function dumpText(dump: Map<string, string>): string {
  return [...dump].map(([key, value]) => `${key}\n${value}`).join('\n');
}

/** The dump without the rate limiters' counters (every request, even a read, takes from its budget). */
export function withoutRateLimits(dump: Map<string, string>): Map<string, string> {
  return new Map([...dump].filter(([key]) => !key.includes(':rl:')));
}

/** The onboarding's record hash as Redis holds it. */
export async function storedRecord(
  h: Harness,
  onboardingId: string,
): Promise<Record<string, string>> {
  return h.redis!.redis.hgetall(`${h.redis!.prefix}:{${onboardingId}}:onb`);
}

export { sampleOf } from '../helpers/prometheus';

export async function scrape(h: Harness): Promise<string> {
  const res = await supertest(h.app).get('/metrics').expect(200);
  return res.text;
}

/** A Content-Security-Policy as directive name → its sources. */
export function cspDirectives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}
