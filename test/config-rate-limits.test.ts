// loadConfig for RATE_LIMIT_CALLBACK and RATE_LIMIT_API: defaults, blanks, refused values.
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

describe('loadConfig: rate limits', () => {
  it('defaults to 60 callbacks per address and 600 API requests per key, per minute', () => {
    expect(loadConfig({}).rateLimits).toEqual({ callbackPerMinute: 60, apiPerMinute: 600 });
  });

  it('reads RATE_LIMIT_CALLBACK and RATE_LIMIT_API', () => {
    expect(loadConfig({ RATE_LIMIT_CALLBACK: '5', RATE_LIMIT_API: ' 1200 ' }).rateLimits).toEqual({
      callbackPerMinute: 5,
      apiPerMinute: 1200,
    });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ RATE_LIMIT_CALLBACK: '', RATE_LIMIT_API: '  ' }).rateLimits).toEqual({
      callbackPerMinute: 60,
      apiPerMinute: 600,
    });
  });

  it.each(['0', '-1', '1.5', 'ten', '1e3', '1000001'])(
    'refuses %j, naming the variable and the value',
    (value) => {
      const problems = problemsOf({ RATE_LIMIT_CALLBACK: value, RATE_LIMIT_API: value });
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(`^RATE_LIMIT_CALLBACK: .*requests per minute.*"${value}"`),
        ),
        expect.stringMatching(new RegExp(`^RATE_LIMIT_API: .*requests per minute.*"${value}"`)),
      ]);
    },
  );

  it('reports a bad rate limit together with the other production problems', () => {
    const problems = problemsOf({ NODE_ENV: 'production', RATE_LIMIT_API: 'x' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^RATE_LIMIT_API:/),
        expect.stringMatching(/^API_KEYS:/),
      ]),
    );
  });
});
