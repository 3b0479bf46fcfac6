// The receiver's environment variables: one schema each, with its default (README "Configuration").
import { z } from 'zod';
import { simulatorVariables, SIMULATOR_SECRETS } from '../simulator/config';
import { brandColor, brandName } from './brand-values';
import { clusterNodes, origins, trustProxy, webhookSecrets } from './formats';
import {
  baseUrl,
  flag,
  list,
  listenAddress,
  port,
  requestsPerMinute,
  seconds,
  share,
  stripSlash,
  text,
  url,
  variable,
  wholeNumber,
} from './values';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_SUPERMETRICS_API_URL = 'https://api.supermetrics.com/enterprise/v2';

const HTTP_URL = ['https:', 'http:'];
const HTTP_URL_MESSAGE = 'must be an absolute http(s) URL';

export const receiverVariables = {
  NODE_ENV: variable(text.optional()),
  PORT: variable(port.default(8443)),
  HOST: variable(listenAddress),
  PUBLIC_URL: variable(baseUrl.optional()),
  TLS_CERT_FILE: variable(text.optional()),
  TLS_KEY_FILE: variable(text.optional()),
  TRUST_PROXY: variable(trustProxy.optional()),
  REDIS_URL: variable(url(['redis:', 'rediss:'], 'must be a redis:// or rediss:// URL').optional()),
  REDIS_CLUSTER_NODES: variable(clusterNodes.optional()),
  SUPERMETRICS_API_URL: variable(
    url(HTTP_URL, HTTP_URL_MESSAGE).transform(stripSlash).default(DEFAULT_SUPERMETRICS_API_URL),
  ),
  SUPERMETRICS_API_KEY: variable(text.optional()),
  API_KEYS: variable(
    list
      .refine((keys) => keys.every((k) => !/\s/.test(k)), 'keys must not contain spaces')
      .optional(),
  ),
  WEBHOOK_URL: variable(url(HTTP_URL, HTTP_URL_MESSAGE).optional()),
  WEBHOOK_SECRET: variable(webhookSecrets.optional()),
  WEBHOOK_TIMEOUT: variable(seconds(1, 3600).default(10)),
  WEBHOOK_CONCURRENCY: variable(
    wholeNumber(1, 256, 'must be a whole number from 1 to 256').default(16),
  ),
  RETURN_URL_ORIGINS: variable(origins.default([])),
  RECONCILE_INTERVAL: variable(seconds(1, 86400).default(60)),
  RECONCILE_BUDGET_SHARE: variable(share.default(0.5)),
  LINK_TTL: variable(seconds(300, 86400).default(3600)),
  LINK_RECYCLE_AFTER: variable(seconds(60, 86400).default(600)),
  RATE_LIMIT_CALLBACK: variable(requestsPerMinute.default(60)),
  RATE_LIMIT_API: variable(requestsPerMinute.default(600)),
  BRAND_NAME: variable(brandName.optional()),
  BRAND_COLOR: variable(brandColor.optional()),
  LOG_LEVEL: variable(z.enum(LOG_LEVELS).default('info')),
  LOG_PRETTY: variable(flag.default(false)),
  ...simulatorVariables,
};

export const RECEIVER_SECRETS: ReadonlySet<string> = new Set([
  'SUPERMETRICS_API_KEY',
  'API_KEYS',
  'WEBHOOK_SECRET',
  ...SIMULATOR_SECRETS,
]);

export type Variables = z.output<z.ZodObject<typeof receiverVariables>>;
