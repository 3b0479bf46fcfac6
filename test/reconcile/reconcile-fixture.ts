// A receiver on a ManualClock with the simulator and a real Redis, plus reconcilers to drive by hand.
import { ManualClock } from '../../src/lib/clock';
import { cryptoRandom } from '../../src/lib/ids';
import type { Metrics } from '../../src/ops/metrics';
import {
  createReconciler,
  type Reconciler,
  type ReconcilerDeps,
} from '../../src/reconcile/reconciler';
import type { Storage } from '../../src/store/store';
import type { ExchangeInfo } from '../../src/supermetrics/types';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/service-harness';

/** The top of an hour, so reconciliation's budget windows start with the test. */
export const T0 = Date.parse('2026-03-02T09:00:00Z');
export const INTERVAL_SECONDS = 60;

export interface ReconcileFixture {
  h: Harness;
  clock: ManualClock;
  /** A reconciler on the harness's storage (or another instance's), fed every upstream exchange. */
  reconciler(overrides?: Partial<ReconcilerDeps> & { storage?: Storage }): Reconciler;
  /** GETs the simulator received from reconciliation (by our request id prefix). */
  reconcileGets(): number;
  close(): Promise<void>;
}

export async function startReconcileFixture(
  options: HarnessOptions & { metrics?: Metrics } = {},
): Promise<ReconcileFixture> {
  const clock = new ManualClock(T0);
  const observers: Reconciler[] = [];
  const h = await startHarness({
    ...options,
    clock,
    simulator: { ...options.simulator, clock },
    env: { RECONCILE_INTERVAL: String(INTERVAL_SECONDS), ...options.env },
    onUpstreamExchange: (info: ExchangeInfo) => observers.forEach((r) => r.observeExchange(info)),
  });
  return {
    h,
    clock,
    reconciler({ storage = h.storage, ...overrides } = {}) {
      const reconciler = createReconciler({
        onboardings: storage.onboardings,
        events: storage.events,
        history: storage.history,
        reconcileSchedule: storage.reconcileSchedule,
        openLinks: storage.openLinks,
        client: h.client,
        clock,
        random: cryptoRandom,
        logger: h.log.logger,
        webhooksEnabled: true,
        onWebhookEnqueued: () => h.webhooks?.worker.wake(),
        metrics: options.metrics,
        intervalSeconds: INTERVAL_SECONDS,
        budgetShare: 0.5,
        ...overrides,
      });
      observers.push(reconciler);
      return reconciler;
    },
    reconcileGets: () =>
      h.sim.requests.filter(
        (r) => r.endpoint === 'get' && String(r.headers['x-request-id']).startsWith('reconcile-'),
      ).length,
    close: () => h.close(),
  };
}
