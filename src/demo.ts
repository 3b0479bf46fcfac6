// `npm run demo`: one onboarding end to end in sandbox mode, headless, printing each step; exit 0 on success.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { startDemoReceiver, type DemoReceiver } from './sandbox/demo-receiver';
import { createLogger } from './lib/logger';
import { startSandboxService, type SandboxService } from './sandbox/sandbox-service';

const say = (step: number, text: string) => process.stdout.write(`[${step}] ${text}\n`);

/** Shows a start link without its secret. */
function redactStart(url: string): string {
  return url.replace(/\.[A-Za-z0-9_-]+$/, '.…');
}

/** Shows a callback URL without its secrets. */
function redactCallback(url: string): string {
  const parsed = new URL(url);
  for (const name of ['state', 'link_verifier'])
    if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '…');
  return parsed.href.replace(/%E2%80%A6/g, '…');
}

async function walkOnboarding(
  service: SandboxService,
  dispatcher: Agent,
  receiver: DemoReceiver,
): Promise<void> {
  const auth = { authorization: `Bearer ${service.apiKey}`, 'content-type': 'application/json' };

  say(2, 'POST /v1/onboardings {"ds_id":"GA","create_link":"on_open"} (an invitation)');
  const created = await request(`${service.url}/v1/onboardings`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      ds_id: 'GA',
      create_link: 'on_open',
      description: 'demo onboarding',
      metadata: { demo: true },
    }),
    dispatcher,
  });
  const invitation = (
    (await created.body.json()) as { data: { onboarding_id: string; start_url: string } }
  ).data;
  if (created.statusCode !== 201) throw new Error(`create answered ${created.statusCode}`);
  say(
    2,
    `created ${invitation.onboarding_id}, status pending, no upstream link yet; start_url ${redactStart(invitation.start_url)}`,
  );

  const startPage = await request(invitation.start_url, { dispatcher });
  const startHtml = await startPage.body.text();
  if (startPage.statusCode !== 200 || !startHtml.includes('Continue'))
    throw new Error(`the start page answered ${startPage.statusCode}`);
  say(
    3,
    `opened the start link: "${/<h1[^>]*>([^<]*)<\/h1>/.exec(startHtml)?.[1]}"; pressing Continue`,
  );
  const continued = await request(invitation.start_url, { method: 'POST', dispatcher });
  await continued.body.dump();
  const loginUrl = continued.headers.location;
  if (continued.statusCode !== 303 || typeof loginUrl !== 'string')
    throw new Error(`Continue answered ${continued.statusCode}`);
  say(3, `the receiver made the upstream link now and sent the browser to ${loginUrl}`);
  const onboarding = { onboarding_id: invitation.onboarding_id, login_url: loginUrl };

  const page = await request(onboarding.login_url, { dispatcher });
  const html = await page.body.text();
  const action = /<form method="post" action="([^"]+\/authenticate)"/.exec(html)?.[1];
  if (page.statusCode !== 200 || !action)
    throw new Error('the simulator login page has no Authenticate form');
  say(
    3,
    `the simulator's login page: "${/<title>([^<]*)<\/title>/.exec(html)?.[1]}"; pressing Authenticate as demo@example.com`,
  );

  const submitted = await request(new URL(action, onboarding.login_url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=demo%40example.com',
    dispatcher,
  });
  await submitted.body.dump();
  const callbackUrl = submitted.headers.location;
  if (submitted.statusCode !== 303 || typeof callbackUrl !== 'string')
    throw new Error('the simulator did not redirect');
  say(4, `the simulator redirected the browser to ${redactCallback(callbackUrl)}`);

  const callback = await request(callbackUrl, { dispatcher });
  const resultPage = await callback.body.text();
  const heading = /<h1[^>]*>([^<]*)<\/h1>/.exec(resultPage)?.[1];
  if (callback.statusCode !== 200)
    throw new Error(`the callback answered ${callback.statusCode}: ${heading}`);
  say(5, `GET /callback over HTTPS → ${callback.statusCode} "${heading}"`);

  const read = await request(`${service.url}/v1/onboardings/${onboarding.onboarding_id}`, {
    headers: auth,
    dispatcher,
  });
  const final = ((await read.body.json()) as { data: Record<string, unknown> }).data;
  if (final.status !== 'completed') throw new Error(`the onboarding is ${String(final.status)}`);
  say(
    6,
    `GET /v1/onboardings/${onboarding.onboarding_id} → completed: login_id ${final.login_id}, login_username ${final.login_username}`,
  );

  const delivery = await receiver.next(10000);
  say(
    7,
    `webhook ${delivery.webhookId} received at ${receiver.url}; Standard Webhooks signature verified`,
  );
  say(7, `  ${delivery.payload.type}: ${JSON.stringify(delivery.payload.data)}`);
}

async function demo(): Promise<void> {
  const logger = createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' });
  const receiver = await startDemoReceiver(`whsec_${randomBytes(32).toString('base64')}`);
  const service = await startSandboxService({
    logger,
    webhook: { url: receiver.url, secret: receiver.secret },
  });
  const dispatcher = new Agent({ connect: { ca: service.certificate } });
  try {
    say(
      1,
      `sandbox up: receiver ${service.url} (self-signed TLS), Supermetrics simulator ${service.upstream.url}`,
    );
    say(
      1,
      `demo webhook receiver ${receiver.url} (verifies signatures with the standardwebhooks library)`,
    );
    await walkOnboarding(service, dispatcher, receiver);
    process.stdout.write('demo: one onboarding completed end to end.\n');
  } finally {
    await dispatcher.close();
    await service.close();
    await receiver.close();
  }
}

demo().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
