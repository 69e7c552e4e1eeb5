export const DELIVERY_STATUSES = ['pending', 'in_flight', 'delivered', 'failed', 'dead', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Statuses a bulk retry may select: the ones that will not be sent again by themselves. */
export const BULK_RETRY_STATUSES = ['dead', 'failed', 'cancelled'] as const;

// Delivered is final (the receiver has it) and in_flight belongs to the worker holding its lease.
const RETRYABLE: ReadonlySet<string> = new Set(['dead', 'failed', 'cancelled', 'pending']);
const CANCELLABLE: ReadonlySet<string> = new Set(['pending', 'failed', 'dead']);

export type DeliveryAction = 'retry' | 'cancel';

export function allows(action: DeliveryAction, status: string): boolean {
  return (action === 'retry' ? RETRYABLE : CANCELLABLE).has(status);
}

/** `status=dead,failed` and repeated parameters alike, as one list. */
export function statusList(value: unknown): unknown {
  const parts = Array.isArray(value) ? value : [value];
  if (!parts.every((p) => typeof p === 'string')) return value;
  return (parts as string[]).flatMap((p) => p.split(',')).map((p) => p.trim());
}
