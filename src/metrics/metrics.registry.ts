import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The application's own registry rather than prom-client's global one: tests start several applications
 * in one process, and each must count only its own.
 */
export class MetricsRegistry extends Registry {
  constructor() {
    super();
    collectDefaultMetrics({ register: this });
  }
}
