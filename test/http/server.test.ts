// startServer: TLS 1.2 or newer, certificate reload for new connections, close() draining then cutting.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
} from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { readTlsFiles, type TlsMaterial } from '../../src/http/tls';
import { generateSandboxCertificate } from '../../src/http/self-signed-certificate';
import { startServer, type RunningServer } from '../../src/http/server';
import { captureLog } from '../helpers/log-capture';

const hello: RequestListener = (_req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end('hello');
};

function fingerprintOf(material: TlsMaterial): string {
  return new X509Certificate(material.cert).fingerprint256;
}

/** The certificate a fresh TLS connection is served, and the protocol it negotiated. */
function servedCertificate(port: number, options: { maxVersion?: 'TLSv1.1' } = {}) {
  // For the old-version probe the client itself must be willing to speak TLS 1.0/1.1.
  const legacy = options.maxVersion
    ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' }
    : {};
  return new Promise<{ cert: PeerCertificate; protocol: string | null }>((resolve, reject) => {
    const socket = connect({
      port,
      host: '127.0.0.1',
      rejectUnauthorized: false,
      ...legacy,
      ...options,
    });
    socket.once('secureConnect', () => {
      const result = { cert: socket.getPeerCertificate(), protocol: socket.getProtocol() };
      socket.end();
      resolve(result);
    });
    socket.once('error', reject);
  });
}

function get(
  port: number,
  agent: Agent,
): Promise<{ res: IncomingMessage; body: string; reused: boolean; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/', agent, rejectUnauthorized: false },
      (res) => {
        // Read now: a keep-alive socket is detached from the response once it ends.
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ res, body, reused: req.reusedSocket, fingerprint }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

describe('startServer with TLS', () => {
  let dir: string;
  let a: TlsMaterial;
  let b: TlsMaterial;
  let files: { certFile: string; keyFile: string };
  let running: RunningServer;
  const log = captureLog();

  beforeAll(async () => {
    [a, b] = await Promise.all([generateSandboxCertificate(), generateSandboxCertificate()]);
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llr-tls-'));
    files = { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
    writeFileSync(files.certFile, a.cert);
    writeFileSync(files.keyFile, a.key);
    running = await startServer({
      app: hello,
      tls: { material: await readTlsFiles(files), load: () => readTlsFiles(files) },
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
    });
  });
  afterEach(async () => {
    await running.close(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves TLS 1.2 or newer, never older', async () => {
    const served = await servedCertificate(running.port);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(served.protocol);
    await expect(servedCertificate(running.port, { maxVersion: 'TLSv1.1' })).rejects.toThrow(
      /alert protocol version/,
    );
  });

  it('serves the new certificate to new connections after a reload, keeping open ones working', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(running.port, agent);
    expect(first.body).toBe('hello');
    expect(first.fingerprint).toBe(fingerprintOf(a));
    expect((await servedCertificate(running.port)).cert.fingerprint256).toBe(fingerprintOf(a));

    writeFileSync(files.certFile, b.cert);
    writeFileSync(files.keyFile, b.key);
    expect(await running.reloadTls()).toBe(true);

    expect((await servedCertificate(running.port)).cert.fingerprint256).toBe(fingerprintOf(b));
    const again = await get(running.port, agent);
    expect(again.reused).toBe(true);
    expect(again.body).toBe('hello');
    expect(again.fingerprint).toBe(fingerprintOf(a));
    expect(log.lines.some((l) => l.msg === 'TLS certificate reloaded')).toBe(true);
    agent.destroy();
  });

  it.each([
    ['a missing file', () => rmSync(files.keyFile)],
    ['a key that does not match the certificate', () => writeFileSync(files.keyFile, b.key)],
    ['a certificate that is not PEM', () => writeFileSync(files.certFile, 'not a certificate')],
  ])(
    'keeps the current certificate when reloading finds %s, and logs why',
    async (_name, breakFiles) => {
      breakFiles();

      expect(await running.reloadTls()).toBe(false);

      expect((await servedCertificate(running.port)).cert.fingerprint256).toBe(fingerprintOf(a));
      const failure = log.lines.findLast((l) => l.level === 50);
      expect(failure?.msg).toMatch(/reload failed; keeping the current certificate/);
    },
  );
});

describe('startServer close()', () => {
  it('finishes an in-flight request, closes idle keep-alive connections, and resolves', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const slowArrived = new Promise<void>((r) => (arrived = r));
    const app: RequestListener = (req, res) => {
      if (req.url === '/slow') {
        arrived();
        void released.then(() => res.end('slow done'));
        return;
      }
      res.end('fast');
    };
    const log = captureLog();
    const running = await startServer({
      app,
      tls: null,
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
    });
    const idleAgent = new HttpAgent({ keepAlive: true });
    const fetchText = (path: string, agent?: HttpAgent) =>
      new Promise<{ body: string; connection: string | undefined }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: running.port, path, agent }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ body, connection: res.headers.connection }));
        });
        req.once('error', reject);
        req.end();
      });
    await fetchText('/', idleAgent); // leaves an idle keep-alive connection open
    const slow = fetchText('/slow', new HttpAgent({ keepAlive: true }));
    await slowArrived;

    let closed = false;
    const closing = running.close(5000).then(() => (closed = true));
    // A new connection is refused while the in-flight request is still running.
    await expect(fetchText('/')).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toBe(false);

    release();
    const answer = await slow;
    expect(answer.body).toBe('slow done');
    await closing;
    expect(closed).toBe(true);
    // Closed because every connection was let go, not cut at the deadline.
    expect(log.lines.some((l) => /deadline/.test(String(l.msg)))).toBe(false);
    idleAgent.destroy();
  });

  it('cuts connections still open at the deadline', async () => {
    let arrived!: () => void;
    const hanging = new Promise<void>((r) => (arrived = r));
    const log = captureLog();
    const running = await startServer({
      app: () => arrived(), // never answers
      tls: null,
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
    });
    const failed = new Promise<Error>((resolve) => {
      httpRequest({ host: '127.0.0.1', port: running.port, path: '/' })
        .once('error', resolve)
        .end();
    });
    await hanging;

    await running.close(100);

    expect((await failed).message).toMatch(/socket hang up|ECONNRESET/);
    expect(log.lines.some((l) => /deadline/.test(String(l.msg)))).toBe(true);
  });
});
