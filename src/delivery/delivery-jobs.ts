import type { DeliverCommand } from './deliver.use-case';

export { DELIVERIES_QUEUE, PLATFORM_QUEUE } from '../queue/queue.constants';

/** Every job the deliveries queue carries, with its payload; the processor handles exactly these. */
export interface DeliveryJobs {
  /** Deliveries to one target, sent side by side: one queue round trip for several pushes. */
  deliver: { items: DeliverCommand[] };
}

export type DeliveryJobName = keyof DeliveryJobs;
export const DELIVERY_JOB_NAMES: DeliveryJobName[] = ['deliver'];

/** The platform queue carries batches: one push to the platform per job. */
export interface PlatformJobs {
  'deliver-batch': { items: DeliverCommand[] };
}
export const PLATFORM_JOB_NAMES: Array<keyof PlatformJobs> = ['deliver-batch'];
