/** Delivery work: the relay enqueues claimed delivery ids, the delivery worker sends them. */
export const DELIVERIES_QUEUE = 'deliveries';
/** Operator jobs that touch many rows (bulk retry). */
export const OPS_QUEUE = 'ops';
/** Batches of deliveries to the national credit platform. */
export const PLATFORM_QUEUE = 'platform';
