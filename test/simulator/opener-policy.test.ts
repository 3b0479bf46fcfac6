// Cross-Origin-Opener-Policy on the hosted login pages: off by default, set by option, setting or control.
import { createSimulator } from '../../src/simulator';
import { bodyOf, startSimulator, type SimulatorFixture } from './simulator-fixture';

const COOP = 'cross-origin-opener-policy';

function submit(url: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=me%40example.com',
    redirect: 'manual',
  });
}

describe('simulator login page opener policy', () => {
  let fx: SimulatorFixture | undefined;
  afterEach(async () => {
    await fx?.running.close();
    fx = undefined;
  });

  it('sends no Cross-Origin-Opener-Policy by default, on the page or its redirect', async () => {
    fx = await startSimulator();
    const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
    expect((await fetch(link.login_url)).headers.get(COOP)).toBeNull();
    expect((await submit(`${link.login_url}/authenticate`)).headers.get(COOP)).toBeNull();
    expect(fx.sim.settings()).toEqual({ loginPageOpenerPolicy: null });
  });

  it('with loginPageOpenerPolicy same-origin, sends it on the login page and its redirect, not on the API', async () => {
    fx = await startSimulator({ loginPageOpenerPolicy: 'same-origin' });
    const link = await fx.createLink({ redirect_url: 'https://app.example/cb' });
    const page = await fetch(link.login_url);
    expect(page.status).toBe(200);
    expect(page.headers.get(COOP)).toBe('same-origin');
    const redirect = await submit(`${link.login_url}/authenticate`);
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get(COOP)).toBe('same-origin');
    expect((await fetch(link.login_url)).headers.get(COOP)).toBe('same-origin');
    expect((await fx.api('GET', '/ds/login/links')).headers.get(COOP)).toBeNull();
  });

  it('switches on and off at run time with updateSettings; an undefined value changes nothing', async () => {
    fx = await startSimulator();
    const link = await fx.createLink();
    fx.sim.updateSettings({ loginPageOpenerPolicy: 'same-origin' });
    expect((await fetch(link.login_url)).headers.get(COOP)).toBe('same-origin');
    fx.sim.updateSettings({ loginPageOpenerPolicy: undefined });
    expect((await fetch(link.login_url)).headers.get(COOP)).toBe('same-origin');
    fx.sim.updateSettings({ loginPageOpenerPolicy: null });
    expect((await fetch(link.login_url)).headers.get(COOP)).toBeNull();
  });

  it('refuses a value browsers do not know, at creation and at run time, changing nothing', async () => {
    fx = await startSimulator();
    expect(() =>
      createSimulator({ loginPageOpenerPolicy: 'same-site' as unknown as 'same-origin' }),
    ).toThrow(/loginPageOpenerPolicy/);
    expect(() =>
      fx!.sim.updateSettings({ loginPageOpenerPolicy: 'strict' as unknown as 'same-origin' }),
    ).toThrow(/loginPageOpenerPolicy/);
    expect(() =>
      fx!.sim.updateSettings({ other: true } as unknown as { loginPageOpenerPolicy: null }),
    ).toThrow(/other is not a setting/);
    expect(fx.sim.settings()).toEqual({ loginPageOpenerPolicy: null });
  });

  it('is read and changed over HTTP at /_simulator/settings', async () => {
    fx = await startSimulator();
    const control = (method: string, body?: unknown) =>
      fetch(`${fx!.running.url}/_simulator/settings`, {
        method,
        headers: { authorization: 'Bearer sandbox', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const link = await fx.createLink();
    expect(await bodyOf(await control('GET'))).toEqual({ loginPageOpenerPolicy: null });
    const changed = await control('PATCH', { loginPageOpenerPolicy: 'same-origin' });
    expect(changed.status).toBe(200);
    expect(await bodyOf(changed)).toEqual({ loginPageOpenerPolicy: 'same-origin' });
    expect((await fetch(link.login_url)).headers.get(COOP)).toBe('same-origin');

    const refused = await control('PATCH', { loginPageOpenerPolicy: 'sometimes' });
    expect(refused.status).toBe(400);
    expect((await bodyOf(refused)).error.code).toBe('INVALID_SETTINGS');
    expect(fx.sim.settings()).toEqual({ loginPageOpenerPolicy: 'same-origin' });
  });
});
