import { Injectable } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics.registry';

/** What the delivery worker reports as it sends: attempt durations and which circuits are open. */
@Injectable()
export class DeliveryMetrics {
  private readonly attempts: Histogram<'target' | 'outcome'>;
  private readonly circuit: Gauge<'target'>;

  constructor(registry: MetricsRegistry) {
    this.attempts = new Histogram({
      name: 'gateway_delivery_attempt_seconds',
      help: 'Duration of delivery attempts by target and outcome',
      labelNames: ['target', 'outcome'],
      // Pushes time out after seconds, not minutes; the top buckets show endpoints near the timeout.
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    });
    this.circuit = new Gauge({
      name: 'gateway_circuit_open',
      help: '1 while the target circuit is open (or half open), 0 while closed',
      labelNames: ['target'],
      registers: [registry],
    });
  }

  observeAttempt(target: string, outcome: string, seconds: number): void {
    this.attempts.observe({ target, outcome }, seconds);
  }

  setCircuit(target: string, open: boolean): void {
    this.circuit.set({ target }, open ? 1 : 0);
  }
}
