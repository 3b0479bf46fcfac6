// An integrator's web app embedding the connect flow, against the sandbox: `npm run example:embedded`.
// Its backend creates an invitation (create_link "on_open") and hands the page its start_url; the
// page's Connect button calls the SDK's connect(), which opens the popup and resolves when connected.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { createLogger } from '../../src/lib/logger';
import { startSandboxService } from '../../src/sandbox/sandbox-service';

const PORT = Number(process.env.EXAMPLE_PORT ?? 3000);
const ORIGIN = `http://localhost:${PORT}`;
const PUBLIC_DIR = join(__dirname, 'public');

async function main(): Promise<void> {
  const receiver = await startSandboxService({
    logger: createLogger({ level: 'warn' }),
    // The receiver posts results to, and answers status polls from, this origin only.
    returnUrlOrigins: [ORIGIN],
  });
  // The sandbox's certificate is self-signed: the backend trusts exactly it.
  const dispatcher = new Agent({ connect: { ca: receiver.certificate } });

  async function createInvitation(dsId: string): Promise<{ start_url: string }> {
    const answer = await request(`${receiver.url}/v1/onboardings`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${receiver.apiKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ds_id: dsId, create_link: 'on_open', description: 'Example app' }),
      dispatcher,
    });
    const body = (await answer.body.json()) as { data: { start_url: string } };
    if (answer.statusCode !== 201) throw new Error(`the receiver answered ${answer.statusCode}`);
    return { start_url: body.data.start_url };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST' && req.url === '/api/connect') {
      const invitation = await createInvitation('GA');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(invitation));
      return;
    }
    if (req.method === 'GET' && (req.url === '/' || req.url === '/app.js')) {
      const file = req.url === '/' ? 'index.html' : 'app.js';
      const text = await readFile(join(PUBLIC_DIR, file), 'utf8');
      const html = file === 'index.html' ? text.replaceAll('%RECEIVER%', receiver.url) : text;
      const type = file.endsWith('.js') ? 'text/javascript' : 'text/html';
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(html);
      return;
    }
    res.writeHead(404).end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(502).end(err instanceof Error ? err.message : String(err));
    });
  });
  server.listen(PORT, '127.0.0.1', () => {
    process.stdout.write(
      `Example app: ${ORIGIN} (receiver ${receiver.url}, simulator ${receiver.upstream.url})\n` +
        `Open it, trust the receiver's self-signed certificate once (${receiver.url}/healthz), and press Connect.\n`,
    );
  });
  const stop = () => {
    server.close();
    void dispatcher
      .close()
      .then(() => receiver.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`example failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
