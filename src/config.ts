// The one configuration module: reads interface.md's variables, validates them all, applies the
// sandbox/production rules, and reports every problem in one message naming each variable.
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_SUPERMETRICS_API_URL = 'https://api.supermetrics.com/enterprise/v2';

export interface Config {
  mode: 'production' | 'development';
  port: number;
  host: string;
  /** External https base URL, no trailing slash. */
  publicUrl: string;
  tls: { certFile: string; keyFile: string } | null;
  /** Express "trust proxy" value: a hop count or a list of addresses/CIDRs. Null: no proxy. */
  trustProxy: number | string[] | null;
  redis: { url: string } | { clusterNodes: { host: string; port: number }[] } | null;
  supermetrics: { apiUrl: string; apiKey: string } | null;
  apiKeys: string[];
  webhook: { url: string; secret: string; timeoutMs: number; concurrency: number } | null;
  returnUrlOrigins: string[];
  reconcileIntervalSeconds: number;
  /** Share (0 < x <= 1) of the upstream's hourly request budget that reconciliation may use. */
  reconcileBudgetShare: number;
  /** Requests per minute: per client address on /callback, per API key on /v1. */
  rateLimits: { callbackPerMinute: number; apiPerMinute: number };
  logLevel: LogLevel;
  /** Human-readable log lines (pino-pretty) instead of JSON; only when asked for. */
  logPretty: boolean;
  simulator: { port: number; apiKey: string };
  /** The pieces that fall back to sandbox stand-ins because their variables are unset. */
  sandbox: {
    simulator: boolean;
    memoryStore: boolean;
    selfSignedTls: boolean;
    generatedApiKey: boolean;
  };
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

const port = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 1 to 65535')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, 'must be a whole number from 1 to 65535')
    .optional(),
);

/** A whole number of seconds within [min, max] (timers past ~24 days overflow in Node). */
const secondsWithin = (min: number, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number of seconds from ${min} to ${max}`)
      .transform(Number)
      .refine(
        (n) => n >= min && n <= max,
        `must be a whole number of seconds from ${min} to ${max}`,
      )
      .optional(),
  );

const SHARE_MESSAGE = 'must be a decimal number above 0 and at most 1 (e.g. 0.5)';
const budgetShare = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^(0|1)?(\.\d+)?$/, SHARE_MESSAGE)
    .transform(Number)
    .refine((n) => Number.isFinite(n) && n > 0 && n <= 1, SHARE_MESSAGE)
    .optional(),
);

const PER_MINUTE_MESSAGE = 'must be a whole number of requests per minute, from 1 to 1000000';
const perMinute = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^\d+$/, PER_MINUTE_MESSAGE)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 1_000_000, PER_MINUTE_MESSAGE)
    .optional(),
);

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** PUBLIC_URL becomes `${PUBLIC_URL}/callback?state=…`: a query, fragment or userinfo would break it. */
function isBaseUrl(value: string): boolean {
  if (!isUrl(value, ['https:', 'http:'])) return false;
  const url = new URL(value);
  return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
}

const httpUrl = (protocols: string[], message: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine((v) => isUrl(v, protocols), message)
      .optional(),
  );

const list = z.preprocess(
  blankToUndefined,
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    )
    .optional(),
);

/** Standard Webhooks secrets: `whsec_` then base64 of 24 to 64 bytes. */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

function webhookSecretProblem(secret: string): string | null {
  if (!WEBHOOK_SECRET_PATTERN.test(secret)) return 'must be whsec_ followed by base64';
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
  if (bytes < 24 || bytes > 64) return `must hold 24 to 64 bytes of key (has ${bytes})`;
  return null;
}

function originProblem(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `"${origin}" is not an origin (scheme://host[:port])`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${origin}" must be http(s)`;
  if (
    url.origin !== origin.replace(/\/$/, '').toLowerCase() &&
    url.origin !== origin.replace(/\/$/, '')
  )
    return `"${origin}" must be an origin only (scheme://host[:port], no path, query or user)`;
  return null;
}

function parseClusterNodes(nodes: string[], problems: string[]): { host: string; port: number }[] {
  const parsed: { host: string; port: number }[] = [];
  for (const node of nodes) {
    const match = /^(.+):(\d{1,5})$/.exec(node);
    const portNumber = match ? Number(match[2]) : NaN;
    if (!match || portNumber < 1 || portNumber > 65535) {
      problems.push(`REDIS_CLUSTER_NODES: "${node}" must be host:port`);
      continue;
    }
    parsed.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: portNumber });
  }
  return parsed;
}

function parseTrustProxy(value: string | undefined, problems: string[]): number | string[] | null {
  if (value === undefined) return null;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1) problems.push('TRUST_PROXY: a hop count must be at least 1');
    return hops;
  }
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const valid = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/;
  const bad = entries.filter((e) => !valid.test(e));
  if (bad.length > 0 || entries.length === 0)
    problems.push(
      'TRUST_PROXY: must be a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)',
    );
  return entries;
}

const schema = z.object({
  NODE_ENV: optionalString,
  PORT: port,
  HOST: optionalString,
  PUBLIC_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine(
        (v) => isBaseUrl(v),
        'must be an absolute http(s) base URL without query, fragment or credentials',
      )
      .optional(),
  ),
  TLS_CERT_FILE: optionalString,
  TLS_KEY_FILE: optionalString,
  TRUST_PROXY: optionalString,
  REDIS_URL: httpUrl(['redis:', 'rediss:'], 'must be a redis:// or rediss:// URL'),
  REDIS_CLUSTER_NODES: list,
  SUPERMETRICS_API_URL: httpUrl(['https:', 'http:'], 'must be an absolute http(s) URL'),
  SUPERMETRICS_API_KEY: optionalString,
  API_KEYS: list,
  WEBHOOK_URL: httpUrl(['https:', 'http:'], 'must be an absolute http(s) URL'),
  WEBHOOK_SECRET: optionalString,
  WEBHOOK_TIMEOUT: secondsWithin(1, 3600),
  WEBHOOK_CONCURRENCY: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a whole number from 1 to 256')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 256, 'must be a whole number from 1 to 256')
      .optional(),
  ),
  RETURN_URL_ORIGINS: list,
  RECONCILE_INTERVAL: secondsWithin(1, 86400),
  RECONCILE_BUDGET_SHARE: budgetShare,
  RATE_LIMIT_CALLBACK: perMinute,
  RATE_LIMIT_API: perMinute,
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(LOG_LEVELS).optional()),
  LOG_PRETTY: z.preprocess(
    blankToUndefined,
    z.enum(['true', 'false', '1', '0'], { message: 'must be true or false' }).optional(),
  ),
  SIMULATOR_PORT: port,
  SIMULATOR_API_KEY: optionalString,
});

const SECRET_VARIABLES = new Set([
  'SUPERMETRICS_API_KEY',
  'API_KEYS',
  'WEBHOOK_SECRET',
  'SIMULATOR_API_KEY',
]);

type Parsed = { [K in keyof typeof schema.shape]: z.output<(typeof schema.shape)[K]> };

/** Parses each variable on its own, so one bad value does not hide the others. */
function parseEach(env: Env, problems: string[]): Parsed {
  const out: Record<string, unknown> = {};
  for (const [name, fieldSchema] of Object.entries(schema.shape)) {
    const result = (fieldSchema as z.ZodType).safeParse(env[name]);
    if (result.success) {
      out[name] = result.data;
      continue;
    }
    const shown = SECRET_VARIABLES.has(name) ? '' : ` (got "${env[name]}")`;
    problems.push(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}${shown}`);
  }
  return out as Parsed;
}

/** `npm run simulator`: only its own variables (and HOST) are read, so the receiver's cannot stop it. */
export function loadSimulatorConfig(
  env: Env = process.env,
): Readonly<{ host: string; port: number; apiKey: string }> {
  const problems: string[] = [];
  const fields = {
    HOST: schema.shape.HOST,
    SIMULATOR_PORT: port,
    SIMULATOR_API_KEY: optionalString,
  };
  const out: Record<string, unknown> = {};
  for (const [name, fieldSchema] of Object.entries(fields)) {
    const result = (fieldSchema as z.ZodType).safeParse(env[name]);
    if (result.success) out[name] = result.data;
    else problems.push(`${name}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    host: (out.HOST as string | undefined) ?? '0.0.0.0',
    port: (out.SIMULATOR_PORT as number | undefined) ?? 8081,
    apiKey: (out.SIMULATOR_API_KEY as string | undefined) ?? 'sandbox',
  });
}

/** Reads and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const problems: string[] = [];
  const e = parseEach(env, problems);
  const production = e.NODE_ENV === 'production';
  const portNumber = e.PORT ?? 8443;

  const trustProxy = parseTrustProxy(e.TRUST_PROXY, problems);
  const clusterNodes = e.REDIS_CLUSTER_NODES
    ? parseClusterNodes(e.REDIS_CLUSTER_NODES, problems)
    : null;

  if (e.REDIS_URL && clusterNodes)
    problems.push('REDIS_URL and REDIS_CLUSTER_NODES: set one, not both');
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE))
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  if (e.TLS_CERT_FILE && trustProxy !== null)
    problems.push('TLS_CERT_FILE and TRUST_PROXY: choose HTTPS here or TLS at a proxy, not both');
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET)
    problems.push('WEBHOOK_SECRET: required when WEBHOOK_URL is set');
  if (e.WEBHOOK_SECRET) {
    const problem = webhookSecretProblem(e.WEBHOOK_SECRET);
    if (problem) problems.push(`WEBHOOK_SECRET: ${problem}`);
  }
  for (const origin of e.RETURN_URL_ORIGINS ?? []) {
    const problem = originProblem(origin);
    if (problem) problems.push(`RETURN_URL_ORIGINS: ${problem}`);
  }
  if (e.API_KEYS?.some((k) => /\s/.test(k)))
    problems.push('API_KEYS: keys must not contain spaces');

  if (production) {
    if (!e.SUPERMETRICS_API_KEY) problems.push('SUPERMETRICS_API_KEY: required in production');
    if (!e.REDIS_URL && !clusterNodes)
      problems.push(
        'REDIS_URL or REDIS_CLUSTER_NODES: required in production (no in-memory store)',
      );
    if (!e.API_KEYS || e.API_KEYS.length === 0) problems.push('API_KEYS: required in production');
    if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required in production (an https URL)');
    else if (new URL(e.PUBLIC_URL).protocol !== 'https:')
      problems.push('PUBLIC_URL: must be https in production');
    if (!e.TLS_CERT_FILE && trustProxy === null)
      problems.push('TLS_CERT_FILE/TLS_KEY_FILE or TRUST_PROXY: one is required in production');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const supermetrics = e.SUPERMETRICS_API_KEY
    ? {
        apiUrl: stripSlash(e.SUPERMETRICS_API_URL ?? DEFAULT_SUPERMETRICS_API_URL),
        apiKey: e.SUPERMETRICS_API_KEY,
      }
    : null;
  const redis = e.REDIS_URL ? { url: e.REDIS_URL } : clusterNodes ? { clusterNodes } : null;
  const tls =
    e.TLS_CERT_FILE && e.TLS_KEY_FILE
      ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE }
      : null;

  return deepFreeze({
    mode: production ? 'production' : 'development',
    port: portNumber,
    host: e.HOST ?? '0.0.0.0',
    publicUrl: stripSlash(
      e.PUBLIC_URL ? new URL(e.PUBLIC_URL).href : `https://localhost:${portNumber}`,
    ),
    tls,
    trustProxy,
    redis,
    supermetrics,
    apiKeys: e.API_KEYS ?? [],
    webhook:
      e.WEBHOOK_URL && e.WEBHOOK_SECRET
        ? {
            url: e.WEBHOOK_URL,
            secret: e.WEBHOOK_SECRET,
            timeoutMs: (e.WEBHOOK_TIMEOUT ?? 10) * 1000,
            concurrency: e.WEBHOOK_CONCURRENCY ?? 16,
          }
        : null,
    returnUrlOrigins: (e.RETURN_URL_ORIGINS ?? []).map((o) => new URL(o).origin),
    reconcileIntervalSeconds: e.RECONCILE_INTERVAL ?? 60,
    reconcileBudgetShare: e.RECONCILE_BUDGET_SHARE ?? 0.5,
    rateLimits: {
      callbackPerMinute: e.RATE_LIMIT_CALLBACK ?? 60,
      apiPerMinute: e.RATE_LIMIT_API ?? 600,
    },
    logLevel: e.LOG_LEVEL ?? 'info',
    logPretty: e.LOG_PRETTY === 'true' || e.LOG_PRETTY === '1',
    simulator: { port: e.SIMULATOR_PORT ?? 8081, apiKey: e.SIMULATOR_API_KEY ?? 'sandbox' },
    sandbox: {
      simulator: supermetrics === null,
      memoryStore: redis === null,
      selfSignedTls: tls === null && trustProxy === null,
      generatedApiKey: (e.API_KEYS ?? []).length === 0,
    },
  } satisfies Config);
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
