/**
 * The status rules of a delivery, beside the repository that applies them: which statuses each named
 * transition starts from. The repository passes these lists to its statements, so a row that changed meanwhile
 * is left alone rather than moved by a rule that no longer holds.
 */
export const DELIVERY_STATUSES = ['pending', 'in_flight', 'delivered', 'failed', 'dead', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type Transition = 'retry' | 'cancel' | 'repair' | 'supersede';

const FROM: Record<Transition, readonly DeliveryStatus[]> = {
  // An operator sends it again: anything not delivered and not leased to a worker (its outcome is coming).
  retry: ['pending', 'failed', 'dead', 'cancelled'],
  // An operator stops what is waiting or has given up; what was delivered stays delivered.
  cancel: ['pending', 'failed', 'dead'],
  // Reconciliation sends the current version again, even one marked delivered that the other side lacks.
  repair: ['pending', 'failed', 'dead', 'cancelled', 'delivered'],
  // Earlier versions a repair replaced by the current one: stopped, and no longer holding it back.
  supersede: ['pending', 'failed', 'dead', 'cancelled'],
};

export function startsFrom(transition: Transition): readonly DeliveryStatus[] {
  return FROM[transition];
}

export function allows(transition: Transition, status: string): boolean {
  return (FROM[transition] as readonly string[]).includes(status);
}

/** Statuses a bulk retry may select: the ones that will not be sent again by themselves. */
export const BULK_RETRY_STATUSES = ['dead', 'failed', 'cancelled'] as const;
