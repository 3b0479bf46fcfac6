// A store answers for its webhook queue and reconciliation schedule, which live in classes of their own:
// their methods are bound onto the store, so callers hold one object for all three.
import type { ReconcileSchedule, WebhookQueue } from './store';

/** Every method of each interface, checked by the compiler: adding one to an interface fails here. */
export const WEBHOOK_QUEUE_METHODS = {
  enqueueWebhooks: true,
  claimDue: true,
  ackWebhook: true,
  rescheduleWebhook: true,
  deadLetterWebhook: true,
  releaseLease: true,
  listDeadLetters: true,
  redeliverDeadLetter: true,
  stats: true,
} as const satisfies Record<keyof WebhookQueue, true>;

export const RECONCILE_SCHEDULE_METHODS = {
  scheduleCheck: true,
  claimDueChecks: true,
  dropCheck: true,
  countChecks: true,
  listChecks: true,
  spendReconcileBudget: true,
  pauseUpstream: true,
  upstreamPausedUntil: true,
} as const satisfies Record<keyof ReconcileSchedule, true>;

export function forwardMethods<T extends object>(
  target: object,
  delegate: T,
  methods: Record<keyof T, true>,
): void {
  for (const name of Object.keys(methods) as (keyof T & string)[]) {
    const method = delegate[name];
    if (typeof method !== 'function') throw new TypeError(`${name} is not a method to forward`);
    Object.defineProperty(target, name, { value: method.bind(delegate), writable: true });
  }
}
