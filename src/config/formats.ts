// Values with a format of their own: proxy hops or addresses, cluster nodes, webhook secrets, origins.
import { z } from 'zod';
import { WITHOUT_VALUE } from './config-error';
import { list, text } from './values';

type Ctx = z.core.$RefinementCtx;

function refuse(ctx: Ctx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, input: ctx.value, params: WITHOUT_VALUE });
  return z.NEVER;
}

const TRUST_PROXY_MESSAGE =
  'must be a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)';
const PROXY_ENTRY = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/;

/** Express "trust proxy": a hop count (`true` means 1) or a list of addresses/CIDRs. */
export const trustProxy = text.transform((value, ctx): number | string[] => {
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 ? hops : refuse(ctx, 'a hop count must be at least 1');
  }
  const entries = list.parse(value);
  if (entries.length > 0 && entries.every((e) => PROXY_ENTRY.test(e))) return entries;
  return refuse(ctx, TRUST_PROXY_MESSAGE);
});

/** `host:port,host:port`; an IPv6 host may be bracketed (`[::1]:7000`). */
export const clusterNodes = list.transform((nodes, ctx) => {
  if (nodes.length === 0) return refuse(ctx, 'must list at least one host:port');
  const parsed: { host: string; port: number }[] = [];
  for (const node of nodes) {
    const match = /^(.+):(\d{1,5})$/.exec(node);
    const portNumber = match ? Number(match[2]) : NaN;
    if (!match || portNumber < 1 || portNumber > 65535) refuse(ctx, `"${node}" must be host:port`);
    else parsed.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: portNumber });
  }
  return parsed;
});

/** Standard Webhooks secrets: `whsec_` then base64 of 24 to 64 bytes. */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

function webhookSecretProblem(secret: string): string | null {
  if (!WEBHOOK_SECRET_PATTERN.test(secret)) return 'must be whsec_ followed by base64';
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
  if (bytes < 24 || bytes > 64) return `must hold 24 to 64 bytes of key (has ${bytes})`;
  return null;
}

/**
 * One or more comma-separated secrets: while a secret is rotated, every delivery is signed with each
 * (README "Rotating the webhook secret"). A problem names the secret by its place, never its value.
 */
export const webhookSecrets = list.superRefine((secrets, ctx) => {
  if (secrets.length === 0) refuse(ctx, 'must hold at least one whsec_ secret');
  secrets.forEach((secret, i) => {
    const problem = webhookSecretProblem(secret);
    if (problem) refuse(ctx, secrets.length === 1 ? problem : `secret ${i + 1} ${problem}`);
  });
  if (new Set(secrets).size !== secrets.length) refuse(ctx, 'lists the same secret twice');
});

function originProblem(origin: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `"${origin}" is not an origin (scheme://host[:port])`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return `"${origin}" must be http(s)`;
  const written = origin.replace(/\/$/, '');
  if (parsed.origin !== written.toLowerCase() && parsed.origin !== written)
    return `"${origin}" must be an origin only (scheme://host[:port], no path, query or user)`;
  return null;
}

/** Origins (`scheme://host[:port]`), normalised to the form browsers send (lower-case host). */
export const origins = list
  .superRefine((entries, ctx) => {
    for (const origin of entries) {
      const problem = originProblem(origin);
      if (problem) refuse(ctx, problem);
    }
  })
  .transform((entries) => entries.map((origin) => new URL(origin).origin));
