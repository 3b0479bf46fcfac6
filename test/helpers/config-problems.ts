// The problems loadConfig reports for an environment (the test fails if it accepts it).
import { ConfigError, loadConfig } from '../../src/config';

export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
