/** What one push attempt came to, as the sender saw it. */
export type AttemptOutcome =
  | { kind: 'response'; status: number; retryAfter?: string }
  | { kind: 'network'; error: string }
  | { kind: 'timeout' }
  /** The endpoint resolved to an address the gateway may not reach: nothing was sent. */
  | { kind: 'refused'; error: string };

/**
 * What an outcome says about the endpoint, for its circuit: `up` when it answered with a decision of its own
 * (2xx, 4xx), `down` when it was unavailable (network, timeout, 408, 429, 5xx), `throttled` when it asked to be
 * called again shortly (a Retry-After no longer than the circuit's cool-down), `none` when it was never called.
 */
export type EndpointSignal = 'up' | 'down' | 'throttled' | 'none';

export interface RetryDecision {
  action: 'delivered' | 'retry' | 'dead';
  signal: EndpointSignal;
  /** The endpoint asked never to be called again (410 Gone). */
  disableTarget?: boolean;
  /** With `retry`: how long to wait before the next attempt. */
  delayMs?: number;
  reason?: string;
}

/** The fields of DeliveryConfig the policy reads. */
export interface RetryPolicyConfig {
  /** Delay before each attempt in seconds; its length is the attempt budget. */
  scheduleSeconds: number[];
  /** Each scheduled delay is spread by up to this fraction either way. */
  jitter: number;
  retryAfterMaxSeconds: number;
  /** A Retry-After up to the cool-down is pacing, not unavailability. */
  circuit: { cooldownMs: number };
}

export const RETRIES_EXHAUSTED = 'retries exhausted';

/** Statuses worth trying again: the endpoint is busy, early, or broken on its side for now. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/** The statuses that may carry a Retry-After meaning "come back later" (RFC 9110 section 10.2.3). */
function isPacingStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/** A Retry-After header value as a delay in ms from `now`: delta-seconds or an HTTP date; null when unreadable. */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only a date form (it names a weekday or a month); Date.parse would read "12" or "1.5" as a year or a day.
  if (!/[a-z]{3}/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/**
 * The Standard Webhooks retry rules: 2xx is delivered; network errors, timeouts, 408, 425, 429 and 5xx are
 * retried on the schedule; any other answer will not change by asking again, so the delivery is dead and
 * surfaces to operators (a 410 also disables the target). Redirects are not followed (the URL guard checked
 * only the configured address), so a 3xx is dead too, as is a push refused because its host resolved to an
 * internal address. Each decision also says what the outcome tells of the endpoint (see EndpointSignal).
 */
export function decide(
  outcome: AttemptOutcome,
  attemptsSoFar: number,
  policy: RetryPolicyConfig,
  now: Date,
  random: () => number = Math.random,
): RetryDecision {
  if (outcome.kind === 'refused') return { action: 'dead', signal: 'none', reason: `url refused: ${outcome.error}` };
  if (outcome.kind === 'response') {
    const { status } = outcome;
    if (status >= 200 && status <= 299) return { action: 'delivered', signal: 'up' };
    if (status === 410) return { action: 'dead', signal: 'up', disableTarget: true, reason: 'HTTP 410 Gone: the endpoint asked not to be called again' };
    if (!isRetryableStatus(status)) return { action: 'dead', signal: 'up', reason: `HTTP ${status} is not retried` };
  }
  const failure = outcome.kind === 'response' ? `HTTP ${outcome.status}` : outcome.kind === 'network' ? outcome.error : 'timeout';
  if (attemptsSoFar >= policy.scheduleSeconds.length) return { action: 'dead', signal: 'down', reason: RETRIES_EXHAUSTED };

  const retryAfterMs = outcome.kind === 'response' ? parseRetryAfter(outcome.retryAfter, now) : null;
  if (retryAfterMs !== null) {
    // The endpoint said when to come back: no jitter, only the cap. Soon enough, that is pacing, not an outage.
    const throttled = outcome.kind === 'response' && isPacingStatus(outcome.status) && retryAfterMs <= policy.circuit.cooldownMs;
    return { action: 'retry', signal: throttled ? 'throttled' : 'down', delayMs: Math.min(retryAfterMs, policy.retryAfterMaxSeconds * 1000), reason: failure };
  }
  const baseMs = policy.scheduleSeconds[Math.max(attemptsSoFar, 1)] * 1000;
  const spread = policy.jitter * (2 * random() - 1);
  return { action: 'retry', signal: 'down', delayMs: Math.max(0, Math.round(baseMs * (1 + spread))), reason: failure };
}
