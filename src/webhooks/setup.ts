// Wires a webhook worker for WEBHOOK_URL: signer, keep-alive HTTP client, delivery, shared queue; start() runs it.
import { Agent } from 'undici';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { OnboardingHistory, WebhookQueue } from '../store/store';
import { deliverWebhook } from './deliver';
import { createSigner } from './signer';
import { createWebhookWorker, type DeliveryResult, type WebhookWorker } from './worker';

export interface WebhookSettings {
  url: string;
  /** Every delivery is signed with each. */
  secrets: readonly string[];
  timeoutMs: number;
  concurrency: number;
  retryDelaysMs?: readonly number[];
  pollMs?: number;
}

export interface WebhookDelivery {
  worker: WebhookWorker;
  /** Starts taking due webhooks from the shared queue. */
  start(): void;
  close(deadlineMs?: number): Promise<void>;
}

export function createWebhookDelivery(
  settings: WebhookSettings,
  queue: WebhookQueue,
  clock: Clock,
  logger: Logger,
  onDelivery?: (result: DeliveryResult) => void,
  history?: OnboardingHistory,
): WebhookDelivery {
  const sign = createSigner(settings.secrets);
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: settings.concurrency });
  const target = { url: settings.url, sign, dispatcher, timeoutMs: settings.timeoutMs };
  const worker = createWebhookWorker({
    queue,
    deliver: (webhook, nowMs) => deliverWebhook(target, webhook, nowMs),
    clock,
    logger,
    concurrency: settings.concurrency,
    // A lease outlives the slowest attempt (cut off at timeoutMs), so a live instance keeps its item;
    // after a crash another instance takes it this long after the claim.
    leaseMs: settings.timeoutMs + 5_000,
    pollMs: settings.pollMs,
    retryDelaysMs: settings.retryDelaysMs,
    onDelivery,
    history,
  });
  return {
    worker,
    start: () => worker.start(),
    async close(deadlineMs = 8000) {
      await worker.stop(deadlineMs);
      // What is still in flight was handed back to the queue: abort it rather than wait for it.
      await dispatcher.destroy();
    },
  };
}
