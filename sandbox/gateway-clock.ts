/**
 * The gateway's time as the sandbox keeps it. A gateway on a simulated clock (GATEWAY_CLOCK=simulated) may
 * stand months away from the system clock; it signs webhook timestamps and judges feedback dates by its own
 * time, so the sandbox's agencies and platform read that time from the gateway's /health, as real partners
 * share one real clock with it.
 */
export class GatewayClock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly gatewayUrl: () => string) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Reads the gateway's present; keeps the last known offset while the gateway cannot be reached. */
  async sync(): Promise<void> {
    try {
      const sent = Date.now();
      const res = await fetch(`${this.gatewayUrl().replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { details?: { clock?: { now?: unknown } } };
      const now = Date.parse(String(body.details?.clock?.now));
      // The gateway read its clock about halfway through the round trip.
      if (!Number.isNaN(now)) this.offsetMs = now - (sent + Date.now()) / 2;
    } catch {
      // Unreachable or not a gateway: the sandbox carries on with what it knew.
    }
  }

  follow(intervalMs: number): void {
    void this.sync();
    this.timer = setInterval(() => void this.sync(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
