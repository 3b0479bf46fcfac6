// The example integrator app: a backend route that creates an invitation (create_link "on_open") with
// the receiver's API and answers its start_url, and the page with the Connect button (public/).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Agent, request } from 'undici';

const PUBLIC_DIR = join(__dirname, 'public');

export interface ReceiverAccess {
  url: string;
  apiKey: string;
  /** The receiver's certificate, when it is self-signed (the sandbox's). */
  certificate?: string;
}

export interface ExampleApp {
  /** http://localhost:PORT: must be one of the receiver's RETURN_URL_ORIGINS. */
  origin: string;
  close(): Promise<void>;
}

export async function startExampleApp(receiver: ReceiverAccess, port: number): Promise<ExampleApp> {
  const dispatcher = new Agent({
    connect: receiver.certificate ? { ca: receiver.certificate } : {},
  });

  async function createInvitation(): Promise<{ start_url: string }> {
    const answer = await request(`${receiver.url}/v1/onboardings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${receiver.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ds_id: 'GA', create_link: 'on_open', description: 'Example app' }),
      dispatcher,
    });
    const body = (await answer.body.json()) as { data: { start_url: string } };
    if (answer.statusCode !== 201) throw new Error(`the receiver answered ${answer.statusCode}`);
    return { start_url: body.data.start_url };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST' && req.url === '/api/connect') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(await createInvitation()));
      return;
    }
    if (req.method === 'GET' && (req.url === '/' || req.url === '/app.js')) {
      const file = req.url === '/' ? 'index.html' : 'app.js';
      const text = await readFile(join(PUBLIC_DIR, file), 'utf8');
      const body = file === 'index.html' ? text.replaceAll('%RECEIVER%', receiver.url) : text;
      const type = file === 'app.js' ? 'text/javascript' : 'text/html';
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
      return;
    }
    res.writeHead(404).end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(502).end(err instanceof Error ? err.message : String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.close();
    },
  };
}
