import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type WebhookCheck = { ok: true; id: string } | { ok: false; status: 400 | 401; message: string };

type Headers = Record<string, string | string[] | undefined>;

/**
 * Standard Webhooks verification (DESIGN section 5). The package's verify() pins the wall clock and five
 * minutes; the sandbox takes its own clock so a gateway test on a fixed clock can still be checked, so the
 * timestamp is judged here and the signature computed by the package's signer for each secret.
 */
export function checkWebhook(secrets: string[], raw: string, headers: Headers, now: Date, toleranceSeconds: number): WebhookCheck {
  const id = one(headers['webhook-id']);
  const timestamp = one(headers['webhook-timestamp']);
  const offered = one(headers['webhook-signature']);
  if (!id || !timestamp || !offered) return { ok: false, status: 400, message: 'webhook-id, webhook-timestamp and webhook-signature headers are required' };
  if (!/^\d+$/.test(timestamp)) return { ok: false, status: 400, message: 'webhook-timestamp: must be Unix seconds' };
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (skew > toleranceSeconds) return { ok: false, status: 401, message: 'webhook-timestamp: too old' };
  if (-skew > toleranceSeconds) return { ok: false, status: 401, message: 'webhook-timestamp: too new' };
  if (!secrets.length) return { ok: false, status: 401, message: 'no secret is registered for this receiver' };
  const signatures = offered.split(' ').map((s) => Buffer.from(s));
  const signedAt = new Date(Number(timestamp) * 1000);
  for (const secret of secrets) {
    const expected = Buffer.from(new Webhook(secret).sign(id, signedAt, raw));
    if (signatures.some((s) => s.length === expected.length && timingSafeEqual(s, expected))) return { ok: true, id };
  }
  return { ok: false, status: 401, message: 'webhook-signature: no signature matches' };
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
