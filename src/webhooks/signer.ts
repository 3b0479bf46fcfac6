// Standard Webhooks signing (webhook-id, webhook-timestamp, webhook-signature) with the official library.
import { Webhook } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs with every secret given: the signatures go space-separated in one header, as the Standard
 * Webhooks specification allows, so a receiver holding any one of the secrets accepts the delivery
 * (README "Rotating the webhook secret").
 */
export function createSigner(secrets: readonly string[]) {
  if (secrets.length === 0) throw new Error('createSigner needs at least one secret.');
  // Validates each whsec_ secret once, at start-up, rather than on the first delivery.
  const webhooks = secrets.map((secret) => new Webhook(secret));
  return function signWebhook(webhookId: string, timestampMs: number, body: string): SignedHeaders {
    const at = new Date(Math.floor(timestampMs / 1000) * 1000);
    return {
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(timestampMs / 1000)),
      'webhook-signature': webhooks.map((webhook) => webhook.sign(webhookId, at, body)).join(' '),
    };
  };
}

export type Signer = ReturnType<typeof createSigner>;
