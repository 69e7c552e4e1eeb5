import { AttemptOutcome, decide, parseRetryAfter, RetryPolicyConfig } from './retry-policy';

const policy: RetryPolicyConfig = {
  scheduleSeconds: [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
  jitter: 0.2,
  retryAfterMaxSeconds: 3600,
  circuit: { cooldownMs: 60_000 },
};
const now = new Date('2025-06-01T04:00:00Z');
const middle = () => 0.5; // no spread
const status = (s: number, retryAfter?: string): AttemptOutcome => ({ kind: 'response', status: s, retryAfter });

describe('decide', () => {
  it('counts every 2xx as delivered, on any attempt', () => {
    for (const s of [200, 201, 202, 204, 299]) expect(decide(status(s), 1, policy, now)).toEqual({ action: 'delivered', signal: 'up' });
    expect(decide(status(200), 10, policy, now).action).toBe('delivered');
  });

  it('retries network errors, timeouts, 408, 425, 429 and 5xx', () => {
    const retried: AttemptOutcome[] = [
      { kind: 'network', error: 'ECONNREFUSED' },
      { kind: 'timeout' },
      ...[408, 425, 429, 500, 502, 503, 504, 599].map((s) => status(s)),
    ];
    for (const outcome of retried) expect(decide(outcome, 1, policy, now, middle)).toMatchObject({ action: 'retry', delayMs: 5000 });
  });

  it('gives up at once on other client errors and on redirects, naming the status', () => {
    for (const s of [400, 401, 403, 404, 409, 413, 422, 301, 302, 307]) {
      const d = decide(status(s), 1, policy, now);
      expect(d).toMatchObject({ action: 'dead', reason: expect.stringContaining(`HTTP ${s}`) });
      expect(d.disableTarget).toBeUndefined();
    }
  });

  it('disables the target on 410 Gone, even on the last attempt', () => {
    expect(decide(status(410), 1, policy, now)).toMatchObject({ action: 'dead', disableTarget: true, reason: expect.stringContaining('410') });
    expect(decide(status(410), 10, policy, now)).toMatchObject({ action: 'dead', disableTarget: true });
  });

  it('follows the schedule: attempt n waits scheduleSeconds[n]', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => decide({ kind: 'timeout' }, n, policy, now, middle).delayMs);
    expect(delays).toEqual(policy.scheduleSeconds.slice(1).map((s) => s * 1000));
  });

  it('is dead after the last scheduled attempt, and not before', () => {
    expect(decide(status(503), 9, policy, now, middle)).toMatchObject({ action: 'retry', delayMs: 86_400_000 });
    expect(decide(status(503), 10, policy, now)).toEqual({ action: 'dead', signal: 'down', reason: 'retries exhausted' });
    expect(decide({ kind: 'network', error: 'x' }, 11, policy, now)).toEqual({ action: 'dead', signal: 'down', reason: 'retries exhausted' });
    expect(decide({ kind: 'timeout' }, 1, { ...policy, scheduleSeconds: [0] }, now)).toMatchObject({ action: 'dead' });
  });

  it('spreads the delay by at most the jitter either way', () => {
    expect(decide({ kind: 'timeout' }, 2, policy, now, () => 0).delayMs).toBe(240_000);
    expect(decide({ kind: 'timeout' }, 2, policy, now, () => 0.999999).delayMs).toBeCloseTo(360_000, -1);
    expect(decide({ kind: 'timeout' }, 2, policy, now, () => 0.75).delayMs).toBe(330_000);
    expect(decide({ kind: 'timeout' }, 2, { ...policy, jitter: 0 }, now, () => 0).delayMs).toBe(300_000);
  });

  it('honours Retry-After in seconds or as a date, without jitter, capped', () => {
    expect(decide(status(429, '120'), 1, policy, now, () => 0).delayMs).toBe(120_000);
    expect(decide(status(503, 'Sun, 01 Jun 2025 04:10:00 GMT'), 1, policy, now, () => 0).delayMs).toBe(600_000);
    expect(decide(status(503, '0'), 3, policy, now).delayMs).toBe(0);
    expect(decide(status(503, 'Sun, 01 Jun 2025 03:00:00 GMT'), 1, policy, now).delayMs).toBe(0);
    expect(decide(status(503, '999999'), 1, policy, now).delayMs).toBe(3_600_000);
  });

  it('falls back to the schedule when Retry-After is unreadable', () => {
    for (const bad of ['soon', '-5', '1.5', '']) expect(decide(status(503, bad), 1, policy, now, middle).delayMs).toBe(5000);
  });

  it('never adds an attempt for Retry-After', () => {
    expect(decide(status(429, '1'), 10, policy, now)).toEqual({ action: 'dead', signal: 'down', reason: 'retries exhausted' });
  });
});

describe('what an outcome says of the endpoint', () => {
  it('counts unavailability as down: network errors, timeouts, 408, 429 and 5xx', () => {
    const down: AttemptOutcome[] = [{ kind: 'network', error: 'ENOTFOUND' }, { kind: 'timeout' }, ...[408, 429, 500, 503].map((s) => status(s))];
    for (const outcome of down) expect(decide(outcome, 1, policy, now, middle).signal).toBe('down');
  });

  it('takes any answer of its own, 2xx or 4xx, as the endpoint being up', () => {
    for (const s of [200, 204, 400, 401, 404, 410, 422]) expect(decide(status(s), 1, policy, now).signal).toBe('up');
  });

  it('reads a 429 or 503 asking to come back within the cool-down as pacing: waited for exactly, not a failure', () => {
    expect(decide(status(503, '1'), 1, policy, now)).toEqual({ action: 'retry', signal: 'throttled', delayMs: 1000, reason: 'HTTP 503' });
    expect(decide(status(429, '60'), 1, policy, now)).toMatchObject({ signal: 'throttled', delayMs: 60_000 });
    expect(decide(status(429, '61'), 1, policy, now)).toMatchObject({ signal: 'down', delayMs: 61_000 });
    expect(decide(status(500, '1'), 1, policy, now)).toMatchObject({ signal: 'down', delayMs: 1000 });
  });

  it('gives up on a refused address at once without blaming the endpoint', () => {
    expect(decide({ kind: 'refused', error: 'x resolves to 10.0.0.1' }, 1, policy, now)).toEqual({
      action: 'dead',
      signal: 'none',
      reason: 'url refused: x resolves to 10.0.0.1',
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates relative to now', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 7 ', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 04:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 31 May 2025 04:00:30 GMT', now)).toBe(0);
  });

  it('returns null for anything else', () => {
    for (const bad of [undefined, null, '', 'later', '-1', '2.5', '12abc']) expect(parseRetryAfter(bad, now)).toBeNull();
  });
});
