// loadConfig for webhook delivery and PUBLIC_URL; loadSimulatorConfig reads only its own variables.
import { loadConfig, loadSimulatorConfig } from '../src/config';
import { problemsOf } from './helpers/config-problems';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const WEBHOOK = { WEBHOOK_URL: 'https://hooks.example.com/in', WEBHOOK_SECRET: SECRET };

describe('loadConfig: webhook delivery settings', () => {
  it('has no webhook without WEBHOOK_URL, even with the delivery settings set', () => {
    expect(loadConfig({}).webhook).toBeNull();
    expect(loadConfig({ WEBHOOK_TIMEOUT: '5', WEBHOOK_CONCURRENCY: '4' }).webhook).toBeNull();
  });

  it('defaults to a 10 s timeout and 16 deliveries at once', () => {
    expect(loadConfig(WEBHOOK).webhook).toEqual({
      url: 'https://hooks.example.com/in',
      secrets: [SECRET],
      timeoutMs: 10000,
      concurrency: 16,
    });
  });

  it('treats blank values as unset', () => {
    const webhook = loadConfig({
      ...WEBHOOK,
      WEBHOOK_TIMEOUT: '',
      WEBHOOK_CONCURRENCY: '  ',
    }).webhook;
    expect(webhook).toMatchObject({ timeoutMs: 10000, concurrency: 16 });
  });

  it.each([
    ['1', 1000],
    ['5', 5000],
    ['30', 30000],
    ['600', 600000],
  ])('reads WEBHOOK_TIMEOUT %j seconds as timeoutMs %i', (value, timeoutMs) => {
    expect(loadConfig({ ...WEBHOOK, WEBHOOK_TIMEOUT: value }).webhook?.timeoutMs).toBe(timeoutMs);
  });

  it.each([
    ['1', 1],
    ['8', 8],
    ['256', 256],
  ])('reads WEBHOOK_CONCURRENCY %j as %i', (value, concurrency) => {
    expect(loadConfig({ ...WEBHOOK, WEBHOOK_CONCURRENCY: value }).webhook?.concurrency).toBe(
      concurrency,
    );
  });

  it.each(['0', 'abc', '-5', '1.5', '10s', '0x10'])(
    'refuses WEBHOOK_TIMEOUT %j, naming the variable and the value',
    (value) => {
      expect(problemsOf({ ...WEBHOOK, WEBHOOK_TIMEOUT: value })).toEqual([
        expect.stringMatching(new RegExp(`^WEBHOOK_TIMEOUT: .*"${value}"`)),
      ]);
    },
  );

  it.each(['0', 'abc', '257', '1000', '-1', '2.5'])(
    'refuses WEBHOOK_CONCURRENCY %j, naming the variable and the value',
    (value) => {
      expect(problemsOf({ ...WEBHOOK, WEBHOOK_CONCURRENCY: value })).toEqual([
        expect.stringMatching(new RegExp(`^WEBHOOK_CONCURRENCY: .*1 to 256.*"${value}"`)),
      ]);
    },
  );

  it('reports a bad timeout and a bad concurrency together, in every mode', () => {
    const problems = problemsOf({
      ...WEBHOOK,
      WEBHOOK_TIMEOUT: 'abc',
      WEBHOOK_CONCURRENCY: '257',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^WEBHOOK_TIMEOUT: /),
      expect.stringMatching(/^WEBHOOK_CONCURRENCY: /),
    ]);
    // Without WEBHOOK_URL the values are still checked.
    expect(problemsOf({ WEBHOOK_TIMEOUT: '0' })).toEqual([
      expect.stringMatching(/^WEBHOOK_TIMEOUT: /),
    ]);
  });

  it('refuses a WEBHOOK_TIMEOUT too long for a timer (it would make every delivery time out at once)', () => {
    // Node timers hold at most 2^31-1 ms (about 24.8 days); a longer AbortSignal.timeout fires
    // after 1 ms, and above 2^32-1 ms it throws, so each delivery would fail as "timeout".
    for (const value of ['2147484', '5000000'])
      expect(problemsOf({ ...WEBHOOK, WEBHOOK_TIMEOUT: value })).toEqual([
        expect.stringMatching(/^WEBHOOK_TIMEOUT: /),
      ]);
  });

  it('reads several comma-separated WEBHOOK_SECRET values in order, for a rotation', () => {
    const next = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
    expect(
      loadConfig({ ...WEBHOOK, WEBHOOK_SECRET: ` ${SECRET} , ${next} ` }).webhook?.secrets,
    ).toEqual([SECRET, next]);
  });

  it('refuses a rotation list with a malformed or repeated secret, naming its place and never its value', () => {
    const short = `whsec_${Buffer.alloc(8, 4).toString('base64')}`;
    const [bad] = problemsOf({ ...WEBHOOK, WEBHOOK_SECRET: `${SECRET},${short}` });
    expect(bad).toMatch(/^WEBHOOK_SECRET: secret 2 must hold 24 to 64 bytes/);
    expect(bad).not.toContain(short);
    expect(bad).not.toContain(SECRET);
    expect(problemsOf({ ...WEBHOOK, WEBHOOK_SECRET: `${SECRET},${SECRET}` })).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET: lists the same secret twice/),
    ]);
    expect(problemsOf({ ...WEBHOOK, WEBHOOK_SECRET: ' , ' })).toEqual([
      'WEBHOOK_SECRET: must hold at least one whsec_ secret',
    ]);
  });

  it('needs a valid WEBHOOK_SECRET with WEBHOOK_URL before any webhook exists', () => {
    expect(problemsOf({ WEBHOOK_URL: WEBHOOK.WEBHOOK_URL, WEBHOOK_TIMEOUT: '5' })).toEqual([
      expect.stringMatching(/^WEBHOOK_SECRET: required/),
    ]);
    expect(
      problemsOf({ ...WEBHOOK, WEBHOOK_SECRET: `whsec_${Buffer.alloc(8).toString('base64')}` }),
    ).toEqual([expect.stringMatching(/^WEBHOOK_SECRET: /)]);
  });
});

describe('loadConfig: PUBLIC_URL', () => {
  it.each([
    'https://x.example.com/?a=1',
    'https://x.example.com/#f',
    'https://user:pw@x.example.com',
  ])('refuses %s (the redirect_url is built from it)', (value) => {
    expect(problemsOf({ PUBLIC_URL: value })[0]).toMatch(/^PUBLIC_URL: /);
  });

  it('accepts an upper-case https scheme in production', () => {
    const env = {
      NODE_ENV: 'production',
      SUPERMETRICS_API_KEY: 'k',
      REDIS_URL: 'redis://r:6379',
      API_KEYS: 'a',
      TRUST_PROXY: '1',
      PUBLIC_URL: 'HTTPS://receiver.example.com/base/',
    };
    expect(loadConfig(env).publicUrl).toBe('https://receiver.example.com/base');
  });
});

describe('loadSimulatorConfig', () => {
  it('reads only its own variables, so a bad receiver variable does not stop the simulator', () => {
    expect(
      loadSimulatorConfig({
        NODE_ENV: 'production',
        WEBHOOK_SECRET: 'nope',
        SIMULATOR_PORT: '9001',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9001,
      apiKey: 'sandbox',
    });
  });

  it('names a bad SIMULATOR_PORT', () => {
    expect(() => loadSimulatorConfig({ SIMULATOR_PORT: 'x' })).toThrow(/SIMULATOR_PORT/);
  });
});
