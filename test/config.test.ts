// loadConfig: sandbox with no configuration, production's required variables, all invalid values at once.
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const production = {
  NODE_ENV: 'production',
  SUPERMETRICS_API_KEY: 'sm-key',
  REDIS_URL: 'redis://redis:6379',
  API_KEYS: 'k1,k2',
  PUBLIC_URL: 'https://receiver.example.com',
  TRUST_PROXY: '1',
};

describe('loadConfig', () => {
  it('starts in sandbox with no configuration at all', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('development');
    expect(config.port).toBe(8443);
    expect(config.host).toBe('0.0.0.0');
    expect(config.publicUrl).toBe('https://localhost:8443');
    expect(config.sandbox).toEqual({
      simulator: true,
      memoryStore: true,
      selfSignedTls: true,
      generatedApiKey: true,
    });
    expect(config.reconcileIntervalSeconds).toBe(60);
    expect(config.logLevel).toBe('info');
    expect(config.simulator).toEqual({ port: 8081, apiKey: 'sandbox' });
  });

  it('derives the sandbox PUBLIC_URL from PORT', () => {
    expect(loadConfig({ PORT: '9443' }).publicUrl).toBe('https://localhost:9443');
  });

  it('accepts a complete production configuration and uses no sandbox piece', () => {
    const config = loadConfig(production);
    expect(config.mode).toBe('production');
    expect(config.supermetrics).toEqual({
      apiUrl: 'https://api.supermetrics.com/enterprise/v2',
      apiKey: 'sm-key',
    });
    expect(config.redis).toEqual({ url: 'redis://redis:6379' });
    expect(config.apiKeys).toEqual(['k1', 'k2']);
    expect(config.trustProxy).toBe(1);
    expect(Object.values(config.sandbox)).toEqual([false, false, false, false]);
  });

  it('lists every missing production variable in one message', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    const text = problems.join('\n');
    for (const name of [
      'SUPERMETRICS_API_KEY',
      'REDIS_URL',
      'API_KEYS',
      'PUBLIC_URL',
      'TLS_CERT_FILE',
    ])
      expect(text).toContain(name);
    expect(problems).toHaveLength(5);
  });

  it('refuses an http PUBLIC_URL in production', () => {
    expect(problemsOf({ ...production, PUBLIC_URL: 'http://receiver.example.com' })).toEqual([
      'PUBLIC_URL: must be https in production',
    ]);
  });

  it('accepts Redis Cluster nodes instead of REDIS_URL', () => {
    const env: Record<string, string> = { ...production, REDIS_CLUSTER_NODES: 'a:7000, b:7001' };
    delete env.REDIS_URL;
    expect(loadConfig(env).redis).toEqual({
      clusterNodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
      ],
    });
  });

  it('accepts TLS files instead of TRUST_PROXY in production', () => {
    const env: Record<string, string> = {
      ...production,
      TLS_CERT_FILE: '/c.pem',
      TLS_KEY_FILE: '/k.pem',
    };
    delete env.TRUST_PROXY;
    expect(loadConfig(env).tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('reports invalid values in every mode, naming each variable, all at once', () => {
    const problems = problemsOf({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'http://redis',
      RECONCILE_INTERVAL: '0',
      WEBHOOK_URL: 'not a url',
      WEBHOOK_SECRET: 'plain',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(
      [
        'LOG_LEVEL',
        'PORT',
        'RECONCILE_INTERVAL',
        'REDIS_URL',
        'WEBHOOK_SECRET',
        'WEBHOOK_URL',
      ].sort(),
    );
  });

  it('rejects a PORT out of range', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/^PORT: /);
  });

  it('requires WEBHOOK_SECRET with WEBHOOK_URL', () => {
    expect(problemsOf({ WEBHOOK_URL: 'https://hooks.example.com/x' })).toEqual([
      'WEBHOOK_SECRET: required when WEBHOOK_URL is set',
    ]);
  });

  it('accepts a Standard Webhooks secret and never echoes secrets in messages', () => {
    expect(
      loadConfig({ WEBHOOK_URL: 'https://h.example.com', WEBHOOK_SECRET: SECRET }).webhook,
    ).toEqual({
      url: 'https://h.example.com',
      secrets: [SECRET],
      timeoutMs: 10000,
      concurrency: 16,
    });
    const problems = problemsOf({
      WEBHOOK_URL: 'https://h.example.com',
      WEBHOOK_SECRET: 'whsec_short',
    });
    expect(problems[0]).toMatch(/^WEBHOOK_SECRET: /);
    expect(problems.join()).not.toContain('whsec_short');
  });

  it('requires both TLS files or neither', () => {
    expect(problemsOf({ TLS_CERT_FILE: '/c.pem' })).toEqual([
      'TLS_CERT_FILE and TLS_KEY_FILE: set both or neither',
    ]);
  });

  it('refuses REDIS_URL together with REDIS_CLUSTER_NODES', () => {
    expect(problemsOf({ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'b:2' })[0]).toMatch(
      /^REDIS_URL and REDIS_CLUSTER_NODES/,
    );
  });

  it('rejects malformed cluster nodes', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:7000,nohost' })).toEqual([
      'REDIS_CLUSTER_NODES: "nohost" must be host:port',
    ]);
  });

  it('normalises RETURN_URL_ORIGINS and rejects ones with a path', () => {
    expect(
      loadConfig({ RETURN_URL_ORIGINS: 'https://App.example.com, https://b.example.com:8443' })
        .returnUrlOrigins,
    ).toEqual(['https://app.example.com', 'https://b.example.com:8443']);
    expect(problemsOf({ RETURN_URL_ORIGINS: 'https://a.example.com/path' })[0]).toMatch(
      /^RETURN_URL_ORIGINS: /,
    );
    expect(problemsOf({ RETURN_URL_ORIGINS: 'javascript:alert(1)' })[0]).toMatch(
      /^RETURN_URL_ORIGINS: /,
    );
  });

  it('parses TRUST_PROXY as hops or an address list, refusing garbage', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'loopback',
    ]);
    expect(problemsOf({ TRUST_PROXY: 'everyone' })[0]).toMatch(/^TRUST_PROXY: /);
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ PORT: '', API_KEYS: ' ' }).port).toBe(8443);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.sandbox)).toBe(true);
  });
});
