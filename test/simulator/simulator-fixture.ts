// Starts a simulator on port 0 with a manual clock, and speaks to it over real HTTP.
import { ManualClock } from '../../src/lib/clock';
import {
  createSimulator,
  type RunningSimulator,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator';
import type { LoginLink } from '../../src/supermetrics/types';

/** 2026-01-15T10:30:00Z: a fixed "now" for every test. */
export const T0 = Date.UTC(2026, 0, 15, 10, 30, 0);
export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

export interface SimulatorFixture {
  sim: Simulator;
  running: RunningSimulator;
  clock: ManualClock;
  /** A request to the API (path after /enterprise/v2), with the sandbox key unless overridden. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /** Creates a link (expiring in 7 days unless told) and returns it, failing on anything but 201. */
  createLink(body?: Record<string, unknown>): Promise<LoginLink>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorFixture> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(T0);
  const sim = createSimulator({ clock, ...options });
  const running = await sim.listen(0);
  const api: SimulatorFixture['api'] = (method, path, body, headers = {}) =>
    fetch(`${running.apiUrl}${path}`, {
      method,
      headers: {
        authorization: 'Bearer sandbox',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const createLink: SimulatorFixture['createLink'] = async (body = {}) => {
    const res = await api('POST', '/ds/login/link', {
      ds_id: 'GA',
      expiry_time: '7 days',
      ...body,
    });
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { data: LoginLink }).data;
  };
  return { sim, running, clock, api, createLink };
}

/** A JSON body as tests read it: deliberately untyped, the assertions check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

export function bodyOf(res: Response): Promise<JsonBody> {
  return res.json() as Promise<JsonBody>;
}
