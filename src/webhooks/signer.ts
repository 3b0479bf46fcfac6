// Standard Webhooks signing (webhook-id, webhook-timestamp, webhook-signature) with the official library.
import { Webhook } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function createSigner(secret: string) {
  // Validates the whsec_ secret once, at start-up, rather than on the first delivery.
  const webhook = new Webhook(secret);
  return function signWebhook(webhookId: string, timestampMs: number, body: string): SignedHeaders {
    const at = new Date(Math.floor(timestampMs / 1000) * 1000);
    return {
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(timestampMs / 1000)),
      'webhook-signature': webhook.sign(webhookId, at, body),
    };
  };
}

export type Signer = ReturnType<typeof createSigner>;
