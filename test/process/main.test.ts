// The service as a process: sandbox banner, production refusals, SIGTERM and SIGHUP, rate-limit settings.
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { generateSandboxCertificate } from '../../src/http/self-signed-certificate';
import { MEMORY_STORAGE_WARNING } from '../../src/store/storage';
import { freePort } from '../helpers/redis-server';
import { startMain, type RunningChild } from './child-process';

const API_KEY = 'process-test-api-key-0123456789';
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

async function sandboxEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    SIMULATOR_PORT: String(await freePort()),
    HOST: '127.0.0.1',
    ...extra,
  };
}

function call(
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        rejectUnauthorized: false,
        headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.once('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

const isListening = (l: Record<string, unknown>) => l.msg === 'listening';

describe('the service process (node --import tsx src/main.ts)', () => {
  let running: RunningChild | null = null;
  afterEach(async () => {
    await running?.stop();
    running = null;
  });

  it('starts in sandbox with no configuration, printing the banner with an API key and a curl command', async () => {
    const env = await sandboxEnv();
    running = startMain(env);
    await running.waitForLog(isListening);
    await new Promise<void>((resolve) => {
      const check = () => /then open its login_url/.test(running!.stdout()) && resolve();
      running!.child.on('output', check);
      check();
    });

    const out = running.stdout();
    expect(out).toContain('SANDBOX mode');
    const key = /API key: (sk_sandbox_[A-Za-z0-9_-]+)/.exec(out)?.[1];
    expect(key).toBeDefined();
    expect(out).toContain(`curl -sk -X POST https://localhost:${env.PORT}/v1/onboardings`);
    expect(out).toContain(`-H 'Authorization: Bearer ${key}'`);
  });

  it('refuses to start in production without configuration, naming every missing variable, no stack trace', async () => {
    running = startMain({ NODE_ENV: 'production' });

    expect(await running.exited(10000)).toBe(1);

    const err = running.stderr();
    for (const name of [
      'SUPERMETRICS_API_KEY',
      'REDIS_URL or REDIS_CLUSTER_NODES',
      'API_KEYS',
      'PUBLIC_URL',
      'TLS_CERT_FILE/TLS_KEY_FILE or TRUST_PROXY',
    ])
      expect(err).toContain(name);
    expect(err).not.toMatch(/\n\s+at /);
    expect(running.stdout()).not.toContain('listening');
  });

  it('on SIGTERM finishes the request in flight and exits 0 within 10 s', async () => {
    const env = await sandboxEnv({
      API_KEYS: API_KEY,
      WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      WEBHOOK_SECRET,
    });
    running = startMain(env);
    await running.waitForLog(isListening);
    const simulator = `http://127.0.0.1:${env.SIMULATOR_PORT}`;
    const sim = (method: string, path: string, body?: unknown) =>
      fetch(`${simulator}${path}`, {
        method,
        headers: { Authorization: 'Bearer sandbox', 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // The upstream holds the create call for a while: the POST is in flight when SIGTERM arrives.
    expect(
      (await sim('POST', '/_simulator/faults', { endpoint: 'create', delayMs: 1500 })).ok,
    ).toBe(true);
    const inFlight = call(Number(env.PORT), 'POST', '/v1/onboardings', { ds_id: 'GA' });
    const until = Date.now() + 5000;
    for (;;) {
      const seen = (await (await sim('GET', '/_simulator/requests')).json()) as unknown;
      if (JSON.stringify(seen).includes('"create"')) break;
      if (Date.now() > until) throw new Error('the create call never reached the simulator');
      await new Promise((r) => setImmediate(r));
    }

    const started = Date.now();
    running.child.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(await running.exited(10000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(10000);
    const messages = running.logLines().map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    // Nothing secret in anything the process printed.
    const printed = running.stdout() + running.stderr();
    expect(printed).not.toContain(API_KEY);
    expect(printed).not.toContain(WEBHOOK_SECRET);
    expect(printed).not.toContain(WEBHOOK_SECRET.slice('whsec_'.length));
  });

  it('on SIGTERM during start-up, finishes starting, then shuts down and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llr-startup-'));
    try {
      const tls = await generateSandboxCertificate();
      // The certificate is a FIFO: start-up blocks reading it until the test writes it.
      const certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      execFileSync('mkfifo', [certFile]);
      writeFileSync(keyFile, tls.key);
      running = startMain(await sandboxEnv({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile }));
      // Logged inside start-up, before the certificate is read.
      await running.waitForLog((l) => l.msg === MEMORY_STORAGE_WARNING);

      running.child.kill('SIGTERM');
      const written = writeFile(certFile, tls.cert).catch(() => undefined);
      const code = await running.exited(10000);
      // Had the process died unread, the write would still wait for a reader: one releases it.
      const reader = openSync(certFile, constants.O_RDONLY | constants.O_NONBLOCK);
      await written;
      closeSync(reader);

      expect(code).toBe(0);
      const messages = running.logLines().map((l) => l.msg);
      expect(messages).toEqual(expect.arrayContaining(['listening', 'shutting down', 'stopped']));
      expect(messages.indexOf('listening')).toBeLessThan(messages.indexOf('shutting down'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['the in-memory store', {}],
    ['Redis', { REDIS_URL: process.env.REDIS_URL! }],
  ])('applies RATE_LIMIT_CALLBACK and RATE_LIMIT_API with %s', async (_name, store) => {
    // A key of its own: counts in the shared test Redis must not carry over from another test.
    const key = `${API_KEY}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const env = await sandboxEnv({
      ...store,
      API_KEYS: key,
      RATE_LIMIT_CALLBACK: '2',
      RATE_LIMIT_API: '2',
    });
    running = startMain(env);
    await running.waitForLog(isListening);
    const port = Number(env.PORT);
    const api = () =>
      new Promise<number>((resolve, reject) => {
        request(
          {
            host: '127.0.0.1',
            port,
            path: '/v1/onboardings',
            rejectUnauthorized: false,
            headers: { Authorization: `Bearer ${key}` },
          },
          (res) => resolve(res.resume().statusCode!),
        )
          .once('error', reject)
          .end();
      });

    expect([await api(), await api(), await api()]).toEqual([200, 200, 429]);
    // Only the last is certain: other processes on the test Redis may share this address's count.
    const callbacks: number[] = [];
    for (let i = 0; i < 3; i++) callbacks.push((await call(port, 'GET', '/callback')).status);
    expect(callbacks.at(-1)).toBe(429);
  });

  it('re-reads TLS_CERT_FILE and TLS_KEY_FILE on SIGHUP for new connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llr-sighup-'));
    try {
      const [a, b] = await Promise.all([
        generateSandboxCertificate(),
        generateSandboxCertificate(),
      ]);
      const certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      writeFileSync(certFile, a.cert);
      writeFileSync(keyFile, a.key);
      const env = await sandboxEnv({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
      running = startMain(env);
      await running.waitForLog(isListening);
      const port = Number(env.PORT);
      expect(await servedFingerprint(port)).toBe(new X509Certificate(a.cert).fingerprint256);

      writeFileSync(certFile, b.cert);
      writeFileSync(keyFile, b.key);
      running.child.kill('SIGHUP');
      await running.waitForLog((l) => l.msg === 'TLS certificate reloaded');

      expect(await servedFingerprint(port)).toBe(new X509Certificate(b.cert).fingerprint256);
      running.child.kill('SIGTERM');
      expect(await running.exited(10000)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
