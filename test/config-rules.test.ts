// loadConfig's rules across variables: pairs that exclude each other, and what production requires.
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

const production = {
  NODE_ENV: 'production',
  SUPERMETRICS_API_KEY: 'sm-key',
  REDIS_URL: 'redis://redis:6379',
  API_KEYS: 'k1',
  PUBLIC_URL: 'https://receiver.example.com',
  TRUST_PROXY: '1',
};

describe('loadConfig: a variable set to an invalid value', () => {
  it('is reported once, as invalid, and not also as missing in production', () => {
    expect(problemsOf({ ...production, REDIS_URL: 'http://redis' })).toEqual([
      'REDIS_URL: must be a redis:// or rediss:// URL (got "http://redis")',
    ]);
    expect(problemsOf({ ...production, PUBLIC_URL: 'receiver.example.com' })).toEqual([
      expect.stringMatching(/^PUBLIC_URL: must be an absolute http\(s\) base URL/),
    ]);
  });

  it('still counts as set for the rules that pair it with another variable', () => {
    expect(problemsOf({ WEBHOOK_URL: 'not a url' })).toEqual([
      'WEBHOOK_URL: must be an absolute http(s) URL (got "not a url")',
      'WEBHOOK_SECRET: required when WEBHOOK_URL is set',
    ]);
    expect(problemsOf({ REDIS_URL: 'http://redis', REDIS_CLUSTER_NODES: 'a:7000' })).toEqual([
      'REDIS_URL: must be a redis:// or rediss:// URL (got "http://redis")',
      'REDIS_URL and REDIS_CLUSTER_NODES: set one, not both',
    ]);
  });
});

describe('loadConfig: pairs that exclude each other', () => {
  it('refuses TLS files together with TRUST_PROXY (HTTPS here or at a proxy, not both)', () => {
    expect(
      problemsOf({ TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem', TRUST_PROXY: '1' }),
    ).toEqual(['TLS_CERT_FILE and TRUST_PROXY: choose HTTPS here or TLS at a proxy, not both']);
  });
});

describe('loadConfig: production', () => {
  it('counts only NODE_ENV=production as production', () => {
    for (const value of ['development', 'test'])
      expect(loadConfig({ NODE_ENV: value }).mode).toBe('development');
  });

  it('refuses an API_KEYS with no key in it', () => {
    expect(problemsOf({ ...production, API_KEYS: ' , ' })).toEqual([
      'API_KEYS: required in production',
    ]);
  });
});
