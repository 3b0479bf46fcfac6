// The demo and simulator commands as real child processes (`node --import tsx <entry>.ts`).
import { request } from 'undici';
import { freePort } from '../helpers/redis-server';
import { startEntry as run, type RunningChild as Command } from './child-process';

describe('commands as processes', () => {
  let running: Command | null = null;
  afterEach(async () => {
    await running?.stop();
    running = null;
  });

  it('demo: completes one onboarding end to end, prints every step and a verified webhook, exits 0', async () => {
    running = run('src/demo.ts');
    const code = await running.exited(25000);
    const out = running.stdout();
    // The stderr rides along so a failure shows why.
    expect({ code, stderr: running.stderr() }).toMatchObject({ code: 0 });
    expect(running.stderr()).not.toContain('demo failed');

    for (const step of [1, 2, 3, 4, 5, 6, 7])
      expect(out).toMatch(new RegExp(`^\\[${step}\\] `, 'm'));
    expect(out).toMatch(/^\[2\] created onb_\S+, status pending/m);
    expect(out).toMatch(/^\[5\] GET \/callback over HTTPS → 200 /m);
    expect(out).toMatch(/^\[6\] GET \/v1\/onboardings\/onb_\S+ → completed: login_id \S+/m);
    expect(out).toMatch(
      /^\[7\] webhook \S+ received at \S+; Standard Webhooks signature verified$/m,
    );
    expect(out).toMatch(/^\[7\] {3}login\.completed: \{.*"completed_via":"callback"/m);
    expect(out).toMatch(/completed end to end\.\s*$/);
    // The printed callback URL hides its secrets.
    expect(out).toMatch(/^\[4\] .*state=…/m);
    expect(out).not.toMatch(/[?&](state|link_verifier)=[A-Za-z0-9_-]{8,}/);
  }, 30000);

  it('simulator: serves GET /enterprise/v2/ds/login/links with SIMULATOR_API_KEY on SIMULATOR_PORT, exits 0 on SIGTERM', async () => {
    const port = await freePort();
    running = run('src/simulator/main.ts', {
      SIMULATOR_PORT: String(port),
      SIMULATOR_API_KEY: 'k1',
      HOST: '127.0.0.1',
    });
    await running.waitForOutput(/Supermetrics simulator listening on \S+/);
    expect(running.stdout()).toContain(String(port));

    const url = `http://127.0.0.1:${port}/enterprise/v2/ds/login/links`;
    const anonymous = await request(url);
    const anonymousBody = (await anonymous.body.json()) as { error?: { code?: string } };
    expect(anonymous.statusCode).toBe(401);
    expect(anonymousBody.error).toBeDefined();

    const wrongKey = await request(url, { headers: { authorization: 'Bearer sandbox' } });
    await wrongKey.body.dump();
    expect(wrongKey.statusCode).toBe(401);

    const authorized = await request(url, { headers: { authorization: 'Bearer k1' } });
    const body = (await authorized.body.json()) as {
      meta?: { request_id?: string };
      data?: unknown;
    };
    expect(authorized.statusCode).toBe(200);
    expect(Array.isArray(body.data)).toBe(true);
    expect(typeof body.meta?.request_id).toBe('string');

    running.child.kill('SIGTERM');
    expect(await running.exited(10000)).toBe(0);
  }, 30000);

  it('simulator: refuses to start with an invalid SIMULATOR_PORT, naming the variable, exit 1', async () => {
    running = run('src/simulator/main.ts', { SIMULATOR_PORT: 'eighty' });
    expect(await running.exited(20000)).toBe(1);
    expect(running.stderr()).toContain('SIMULATOR_PORT');
  }, 30000);
});
