// The baseline: a bare Express 5 app answering 302, on the same Node HTTPS server and TLS setup.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { generateSandboxCertificate } from '../src/http/self-signed-certificate';
import { announceReady, failStart, serveParent } from './child-ipc';

async function start(): Promise<void> {
  const app = express();
  app.get('/callback', (_req, res) => res.redirect(302, 'https://example.com/done'));
  const material = await generateSandboxCertificate();
  // The options src/http/server.ts gives the service's server.
  const server = createServer({ cert: material.cert, key: material.key, minVersion: 'TLSv1.2' });
  server.on('request', app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  serveParent({}, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  announceReady({ url: `https://localhost:${port}` });
}

start().catch(failStart);
