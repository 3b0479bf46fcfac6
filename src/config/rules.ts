// Rules across variables: pairs that go together or exclude each other, and what production requires.
import type { Variables } from './variables';

type Name = keyof Variables;

/**
 * What the rules see: the valid values, and which variables are set at all. A variable whose
 * value is invalid counts as set (its own problem is already reported) but has no value.
 */
export interface RuleInput {
  value<K extends Name>(name: K): Variables[K] | undefined;
  isSet(name: Name): boolean;
}

/** The parsed variables, given the names whose values failed to parse. */
export function ruleInput(parsed: Variables, invalid: ReadonlySet<unknown>): RuleInput {
  return {
    value: (name) => (invalid.has(name) ? undefined : parsed[name]),
    isSet: (name) => invalid.has(name) || parsed[name] !== undefined,
  };
}

/** One line per broken rule, each naming its variables; empty when all hold. */
export function checkRules(input: RuleInput): string[] {
  return [...checkCombinations(input), ...checkProduction(input)];
}

function checkCombinations({ isSet }: RuleInput): string[] {
  const problems: string[] = [];
  if (isSet('REDIS_URL') && isSet('REDIS_CLUSTER_NODES'))
    problems.push('REDIS_URL and REDIS_CLUSTER_NODES: set one, not both');
  if (isSet('TLS_CERT_FILE') !== isSet('TLS_KEY_FILE'))
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  if (isSet('TLS_CERT_FILE') && isSet('TRUST_PROXY'))
    problems.push('TLS_CERT_FILE and TRUST_PROXY: choose HTTPS here or TLS at a proxy, not both');
  if (isSet('WEBHOOK_URL') && !isSet('WEBHOOK_SECRET'))
    problems.push('WEBHOOK_SECRET: required when WEBHOOK_URL is set');
  return problems;
}

/** NODE_ENV=production never falls back to a sandbox piece: each one's variables are required. */
function checkProduction({ value, isSet }: RuleInput): string[] {
  if (value('NODE_ENV') !== 'production') return [];
  const problems: string[] = [];
  if (!isSet('SUPERMETRICS_API_KEY')) problems.push('SUPERMETRICS_API_KEY: required in production');
  if (!isSet('REDIS_URL') && !isSet('REDIS_CLUSTER_NODES'))
    problems.push('REDIS_URL or REDIS_CLUSTER_NODES: required in production (no in-memory store)');
  if (!isSet('API_KEYS') || value('API_KEYS')?.length === 0)
    problems.push('API_KEYS: required in production');
  const publicUrl = value('PUBLIC_URL');
  if (!isSet('PUBLIC_URL')) problems.push('PUBLIC_URL: required in production (an https URL)');
  else if (publicUrl && new URL(publicUrl).protocol !== 'https:')
    problems.push('PUBLIC_URL: must be https in production');
  if (!isSet('TLS_CERT_FILE') && !isSet('TRUST_PROXY'))
    problems.push('TLS_CERT_FILE/TLS_KEY_FILE or TRUST_PROXY: one is required in production');
  return problems;
}
