// The service's configuration: one zod parse of the environment with its defaults and the
// sandbox/production rules, reporting every problem at once in a ConfigError naming each variable.
import { z } from 'zod';
import { parseEnvironment, type Env } from './config/config-error';
import { checkRules, ruleInput } from './config/rules';
import { stripSlash } from './config/values';
import {
  RECEIVER_SECRETS,
  receiverVariables,
  type LogLevel,
  type Variables,
} from './config/variables';
import { simulatorConfigFrom, type SimulatorConfig } from './simulator/config';

export { ConfigError } from './config/config-error';
export { WEBHOOK_SECRET_PATTERN } from './config/formats';
export { DEFAULT_SUPERMETRICS_API_URL, LOG_LEVELS, type LogLevel } from './config/variables';
export { loadSimulatorConfig } from './simulator/config';

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
  /** `secrets`: every delivery is signed with each (more than one while a secret is rotated). */
  webhook: { url: string; secrets: string[]; timeoutMs: number; concurrency: number } | null;
  returnUrlOrigins: string[];
  reconcileIntervalSeconds: number;
  /** Share (0 < x <= 1) of the upstream's hourly request budget that reconciliation may use. */
  reconcileBudgetShare: number;
  /** Requests per minute: per client address on /callback, per API key on /v1. */
  rateLimits: { callbackPerMinute: number; apiPerMinute: number };
  /** Invitations ("on_open"): each upstream link lives this long, and an OPEN link whose customer was
   * sent to it this long ago may be closed to free a slot at the link limit. */
  links: { ttlSeconds: number; recycleAfterSeconds: number };
  /** BRAND_NAME and BRAND_COLOR (`#rrggbb`, lower-case) on the end-customer pages. */
  brand: { name: string | null; color: string | null };
  logLevel: LogLevel;
  /** Human-readable log lines (pino-pretty) instead of JSON; only when asked for. */
  logPretty: boolean;
  /** The sandbox's embedded simulator, read by the simulator's own configuration module. */
  simulator: SimulatorConfig;
  /** The pieces that fall back to sandbox stand-ins because their variables are unset. */
  sandbox: {
    simulator: boolean;
    memoryStore: boolean;
    selfSignedTls: boolean;
    generatedApiKey: boolean;
  };
}

const configSchema = z
  .object(receiverVariables)
  .superRefine(
    (parsed, ctx) => {
      const invalid = new Set(ctx.issues.map((issue) => issue.path?.[0]));
      for (const message of checkRules(ruleInput(parsed, invalid)))
        ctx.addIssue({ code: 'custom', message });
    },
    // The rules run even when some values are invalid, so one message lists every problem.
    { when: () => true },
  )
  .transform(toConfig);

/** Reads and validates the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  return deepFreeze(parseEnvironment(configSchema, env, RECEIVER_SECRETS));
}

function toConfig(v: Variables): Config {
  const tls =
    v.TLS_CERT_FILE && v.TLS_KEY_FILE
      ? { certFile: v.TLS_CERT_FILE, keyFile: v.TLS_KEY_FILE }
      : null;
  const trustProxy = v.TRUST_PROXY ?? null;
  const redis = v.REDIS_URL
    ? { url: v.REDIS_URL }
    : v.REDIS_CLUSTER_NODES
      ? { clusterNodes: v.REDIS_CLUSTER_NODES }
      : null;
  const supermetrics = v.SUPERMETRICS_API_KEY
    ? { apiUrl: v.SUPERMETRICS_API_URL, apiKey: v.SUPERMETRICS_API_KEY }
    : null;
  const apiKeys = v.API_KEYS ?? [];
  return {
    mode: v.NODE_ENV === 'production' ? 'production' : 'development',
    port: v.PORT,
    host: v.HOST,
    publicUrl: stripSlash(
      v.PUBLIC_URL ? new URL(v.PUBLIC_URL).href : `https://localhost:${v.PORT}`,
    ),
    tls,
    trustProxy,
    redis,
    supermetrics,
    apiKeys,
    webhook:
      v.WEBHOOK_URL && v.WEBHOOK_SECRET
        ? {
            url: v.WEBHOOK_URL,
            secrets: v.WEBHOOK_SECRET,
            timeoutMs: v.WEBHOOK_TIMEOUT * 1000,
            concurrency: v.WEBHOOK_CONCURRENCY,
          }
        : null,
    returnUrlOrigins: v.RETURN_URL_ORIGINS,
    reconcileIntervalSeconds: v.RECONCILE_INTERVAL,
    reconcileBudgetShare: v.RECONCILE_BUDGET_SHARE,
    rateLimits: { callbackPerMinute: v.RATE_LIMIT_CALLBACK, apiPerMinute: v.RATE_LIMIT_API },
    links: { ttlSeconds: v.LINK_TTL, recycleAfterSeconds: v.LINK_RECYCLE_AFTER },
    brand: { name: v.BRAND_NAME ?? null, color: v.BRAND_COLOR?.toLowerCase() ?? null },
    logLevel: v.LOG_LEVEL,
    logPretty: v.LOG_PRETTY,
    simulator: simulatorConfigFrom(v),
    sandbox: {
      simulator: supermetrics === null,
      memoryStore: redis === null,
      selfSignedTls: tls === null && trustProxy === null,
      generatedApiKey: apiKeys.length === 0,
    },
  };
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
