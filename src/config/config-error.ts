// ConfigError, and the one parse that turns a schema's issues into its lines, each naming a variable.
import type { z } from 'zod';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** An issue with these params says all there is to say (it quotes the bad entry if it helps). */
export const WITHOUT_VALUE = { showValue: false } as const;

/**
 * Parses the environment in one pass; throws one ConfigError with a line per problem. A problem
 * with one variable reads `NAME: message (got "value")`, the value left out for secrets; a rule
 * across variables (an issue without a path) is its own line.
 */
export function parseEnvironment<S extends z.ZodType>(
  schema: S,
  env: Env,
  secrets: ReadonlySet<string>,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, env, secrets)));
}

function describeIssue(issue: z.core.$ZodIssue, env: Env, secrets: ReadonlySet<string>): string {
  const name = issue.path[0];
  if (typeof name !== 'string') return issue.message;
  const showValue =
    !secrets.has(name) && (issue.code !== 'custom' || issue.params?.showValue !== false);
  const shown = showValue ? ` (got "${env[name]}")` : '';
  return `${name}: ${issue.message}${shown}`;
}
