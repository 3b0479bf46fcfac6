// loadConfig's variables with a format of their own (proxies, cluster nodes, keys, URLs), and spaces.
import { loadConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

describe('loadConfig: TRUST_PROXY', () => {
  it('refuses a hop count of 0', () => {
    expect(problemsOf({ TRUST_PROXY: '0' })).toEqual([
      'TRUST_PROXY: a hop count must be at least 1',
    ]);
  });

  it('refuses a list without an entry', () => {
    expect(problemsOf({ TRUST_PROXY: ',' })[0]).toMatch(/^TRUST_PROXY: must be a number/);
  });
});

describe('loadConfig: Redis', () => {
  it('accepts a rediss:// URL', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://r.example.com:6380' }).redis).toEqual({
      url: 'rediss://r.example.com:6380',
    });
  });

  it('reads a bracketed IPv6 cluster node without its brackets', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '[::1]:7000' }).redis).toEqual({
      clusterNodes: [{ host: '::1', port: 7000 }],
    });
  });

  it('refuses a cluster node list with no node in it', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: ' , ' })).toEqual([
      'REDIS_CLUSTER_NODES: must list at least one host:port',
    ]);
  });

  it('names every malformed cluster node', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:0, b:70000, c:7000' })).toEqual([
      'REDIS_CLUSTER_NODES: "a:0" must be host:port',
      'REDIS_CLUSTER_NODES: "b:70000" must be host:port',
    ]);
  });
});

describe('loadConfig: keys and secrets', () => {
  it('refuses API keys with spaces inside without echoing them', () => {
    const problems = problemsOf({ API_KEYS: 'good,top secret' });
    expect(problems).toEqual(['API_KEYS: keys must not contain spaces']);
  });

  it('refuses a webhook secret longer than 64 bytes', () => {
    const secret = `whsec_${Buffer.alloc(65, 1).toString('base64')}`;
    expect(problemsOf({ WEBHOOK_URL: 'https://h.example.com', WEBHOOK_SECRET: secret })).toEqual([
      'WEBHOOK_SECRET: must hold 24 to 64 bytes of key (has 65)',
    ]);
  });
});

describe('loadConfig: SUPERMETRICS_API_URL', () => {
  it('is used without its trailing slash once SUPERMETRICS_API_KEY is set', () => {
    expect(
      loadConfig({ SUPERMETRICS_API_URL: 'http://localhost:8081/v2/', SUPERMETRICS_API_KEY: 'k' })
        .supermetrics,
    ).toEqual({ apiUrl: 'http://localhost:8081/v2', apiKey: 'k' });
  });

  it('is checked even without a key (the simulator is used then)', () => {
    expect(problemsOf({ SUPERMETRICS_API_URL: 'api.example.com' })).toEqual([
      'SUPERMETRICS_API_URL: must be an absolute http(s) URL (got "api.example.com")',
    ]);
  });
});

describe('loadConfig: spaces around a value', () => {
  it('are ignored for ports, levels, flags and keys alike', () => {
    const config = loadConfig({
      PORT: ' 9443 ',
      LOG_LEVEL: ' debug ',
      LOG_PRETTY: 'true ',
      SIMULATOR_PORT: ' 9001',
      SIMULATOR_API_KEY: ' k9 ',
    });
    expect(config).toMatchObject({
      port: 9443,
      logLevel: 'debug',
      logPretty: true,
      simulator: { port: 9001, apiKey: 'k9' },
    });
  });
});
