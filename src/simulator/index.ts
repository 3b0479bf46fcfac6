// The upstream simulator: a stand-in for the Supermetrics login-link API, its login pages and controls.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import { systemClock } from '../lib/clock';
import { cryptoRandom } from '../lib/ids';
import { createApiRouter } from './api-routes';
import { authenticateLink, startLoginAttempt } from './authentication';
import { API_PREFIX, LOGIN_PREFIX } from './classify-request';
import { createControlRouter } from './control-routes';
import { applyFaults, DelayTimers, FaultQueue } from './faults';
import { LinkStore } from './link-store';
import { createLoginRouter } from './login-pages';
import { HourlyRateLimiter } from './rate-limit';
import { recordRequests, RequestLog } from './request-log';
import { DEFAULT_SETTINGS, settingsProblem, type SimulatorSettings } from './settings';
import type { RunningSimulator, Simulator, SimulatorOptions } from './types';

export type {
  AuthenticateOptions,
  FaultSpec,
  LoginAttempt,
  RecordedEndpoint,
  RecordedRequest,
  RunningSimulator,
  Simulator,
  SimulatorEndpoint,
  SimulatorOptions,
} from './types';
export type { OpenerPolicy, SimulatorSettings } from './settings';
export { LoginRefusedError } from './authentication';

interface ResolvedOptions {
  apiKey: string;
  linkLimit: number;
  hourlyBudget: number;
  publicUrl: string | null;
  settings: SimulatorSettings;
}

/** Checks the options up front, so a bad one fails at creation rather than mid-test. */
function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const problems: string[] = [];
  const apiKey = options.apiKey ?? 'sandbox';
  const linkLimit = options.linkLimit ?? 5;
  const hourlyBudget = options.hourlyBudget ?? 10000;
  if (apiKey === '' || /\s/.test(apiKey)) problems.push('apiKey must be non-empty, without spaces');
  if (!Number.isInteger(linkLimit) || linkLimit < 0)
    problems.push('linkLimit must be a whole number');
  if (!Number.isInteger(hourlyBudget) || hourlyBudget < 1)
    problems.push('hourlyBudget must be a whole number, at least 1');
  if (options.clock !== undefined && typeof options.clock.now !== 'function')
    problems.push('clock must have a now() method');
  let publicUrl: string | null = null;
  if (options.publicUrl !== undefined) {
    publicUrl = options.publicUrl.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/.test(publicUrl)) problems.push('publicUrl must be an http(s) URL');
  }
  const settings: SimulatorSettings = { ...DEFAULT_SETTINGS };
  if (options.loginPageOpenerPolicy !== undefined) {
    const problem = settingsProblem({ loginPageOpenerPolicy: options.loginPageOpenerPolicy });
    if (problem) problems.push(problem);
    else settings.loginPageOpenerPolicy = options.loginPageOpenerPolicy;
  }
  if (problems.length > 0) throw new TypeError(`Invalid simulator options: ${problems.join('; ')}`);
  return { apiKey, linkLimit, hourlyBudget, publicUrl, settings };
}

function urlFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const resolved = resolveOptions(options);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const store = new LinkStore(clock, random);
  const faultQueue = new FaultQueue();
  const delays = new DelayTimers();
  const requestLog = new RequestLog();
  let settings = resolved.settings;
  let listeningUrl: string | null = null;

  // Before listen() (e.g. supertest on app) login URLs fall back to the request's own host.
  const loginBaseUrl = (req: Request): string =>
    resolved.publicUrl ?? listeningUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  const simulator: Simulator = {
    app: express(),
    faults: { inject: (spec) => faultQueue.inject(spec), clear: () => faultQueue.clear() },
    requests: requestLog.entries,
    requestCounts: () => requestLog.counts(),
    clearRequests: () => requestLog.clear(),
    getLink: (linkId) => store.get(linkId),
    authenticate: (linkId, authOptions) => ({
      redirectUrl: authenticateLink(store, linkId, authOptions).redirectUrl,
    }),
    startAttempt: (linkId) => {
      const attemptId = startLoginAttempt(store, linkId);
      return {
        linkId,
        attemptId,
        authenticate: (authOptions) => ({
          redirectUrl: authenticateLink(store, linkId, authOptions, attemptId).redirectUrl,
        }),
      };
    },
    settings: () => ({ ...settings }),
    updateSettings(patch) {
      const problem = settingsProblem(patch);
      if (problem) throw new TypeError(`Invalid simulator settings: ${problem}`);
      const given = Object.entries(patch).filter(([, value]) => value !== undefined);
      settings = { ...settings, ...Object.fromEntries(given) };
    },
    setLink: (linkId, patch) => store.patch(linkId, patch),
    async listen(port = 0, host = '127.0.0.1') {
      const server = createServer(simulator.app);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const actualPort = (server.address() as AddressInfo).port;
      const url = urlFor(host, actualPort);
      listeningUrl ??= url;
      let closing: Promise<void> | null = null;
      const running: RunningSimulator = {
        url,
        apiUrl: `${url}${API_PREFIX}`,
        port: actualPort,
        // Idempotent, and does not wait for keep-alive sockets or delayed answers.
        close: () =>
          (closing ??= new Promise<void>((resolve, reject) => {
            delays.cancelAll();
            server.close((error) => (error ? reject(error) : resolve()));
            server.closeAllConnections();
          })),
      };
      return running;
    },
  };

  const app = simulator.app;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(recordRequests(requestLog, clock));
  app.use('/_simulator', createControlRouter(simulator, resolved.apiKey));
  app.use(applyFaults(faultQueue, delays));
  app.use(
    API_PREFIX,
    createApiRouter({
      store,
      limiter: new HourlyRateLimiter(resolved.hourlyBudget, clock),
      apiKey: resolved.apiKey,
      clock,
      random,
      linkLimit: resolved.linkLimit,
      loginBaseUrl,
    }),
  );
  app.use(LOGIN_PREFIX, createLoginRouter({ store, settings: () => settings }));
  app.use((_req, res) => {
    res.status(404).type('text').send('Not found');
  });
  return simulator;
}
