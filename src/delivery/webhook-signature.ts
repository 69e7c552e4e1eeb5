import { createHmac } from 'node:crypto';

export interface WebhookSigningInput {
  /** The delivery id: the same on every retry so receivers can dedupe. */
  id: string;
  /** Unix seconds. */
  timestamp: number;
  /** The exact bytes sent (a string is taken as UTF-8); re-serialising would change the signature. */
  body: string | Buffer;
  /** `whsec_<base64>` secrets, the current one first; during a rotation each one signs. */
  secrets: string[];
}

const PREFIX = 'whsec_';

/** The key bytes of a Standard Webhooks secret. */
export function webhookSecretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** The Standard Webhooks headers for one push (DESIGN section 5). */
export function signWebhook(input: WebhookSigningInput): Record<string, string> {
  if (!input.secrets.length) throw new Error('signWebhook needs at least one secret');
  if (!Number.isInteger(input.timestamp)) throw new Error('webhook timestamp must be whole Unix seconds');
  const prefix = `${input.id}.${input.timestamp}.`;
  const signatures = input.secrets.map((s) => `v1,${createHmac('sha256', webhookSecretKey(s)).update(prefix).update(input.body).digest('base64')}`);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signatures.join(' '),
  };
}
