/** What to break on one endpoint; rates are probabilities from 0 to 1. */
export interface FaultSpec {
  errorRate?: number;
  /** Picked from when an error is injected (503 when empty). */
  statusCodes?: number[];
  latencyMs?: number;
  /** The request is held open and never answered. */
  timeoutRate?: number;
  /** Answered as accepted but not kept, to leave gaps for reconciliation to find. */
  forgetRate?: number;
  /** Platform batches only: the item is answered `rejected` with reason `injected`. */
  rejectRate?: number;
  /** Makes the draws repeatable so tests can count outcomes exactly. */
  seed?: number;
}

const RATES = ['errorRate', 'timeoutRate', 'forgetRate', 'rejectRate'] as const;

/** A problem with the spec, naming the field, or null. */
export function checkFaultSpec(spec: unknown): string | null {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return 'body: must be an object';
  const s = spec as Record<string, unknown>;
  const known = new Set<string>([...RATES, 'statusCodes', 'latencyMs', 'seed']);
  for (const key of Object.keys(s)) if (!known.has(key)) return `${key}: unknown field`;
  for (const key of RATES) {
    const v = s[key];
    if (v !== undefined && (typeof v !== 'number' || !(v >= 0 && v <= 1))) return `${key}: must be a number from 0 to 1`;
  }
  if (s.latencyMs !== undefined && (typeof s.latencyMs !== 'number' || !(s.latencyMs >= 0))) return 'latencyMs: must be a number >= 0';
  if (s.seed !== undefined && !Number.isInteger(s.seed)) return 'seed: must be an integer';
  if (s.statusCodes !== undefined) {
    const codes = s.statusCodes;
    if (!Array.isArray(codes) || !codes.every((c) => Number.isInteger(c) && c >= 400 && c <= 599)) {
      return 'statusCodes: must be a list of HTTP status codes from 400 to 599';
    }
  }
  return null;
}

/** mulberry32: tiny, and good enough to spread injected faults. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The active spec of one endpoint with its own random stream. */
export class Fault {
  private readonly random: () => number;

  constructor(readonly spec: FaultSpec) {
    this.random = spec.seed === undefined ? Math.random : seeded(spec.seed);
  }

  /** Draws only for fractional rates, so 0 and 1 never disturb the stream of the others. */
  hit(kind: (typeof RATES)[number]): boolean {
    const rate = this.spec[kind] ?? 0;
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return this.random() < rate;
  }

  errorStatus(): number {
    const codes = this.spec.statusCodes?.length ? this.spec.statusCodes : [503];
    return codes.length === 1 ? codes[0] : codes[Math.floor(this.random() * codes.length)];
  }
}

export interface EndpointStats {
  requests: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  faults: { errors: number; timeouts: number; delayed: number; forgotten: number; rejected: number };
}

function emptyStats(): EndpointStats {
  return { requests: 0, accepted: 0, rejected: 0, duplicates: 0, faults: { errors: 0, timeouts: 0, delayed: 0, forgotten: 0, rejected: 0 } };
}

/** Faults and counters per endpoint name (`platform-batch`, `platform-list`, `agency-<name>`). */
export class FaultBoard {
  private readonly active = new Map<string, Fault>();
  private readonly counters = new Map<string, EndpointStats>();

  constructor(private readonly initial: Record<string, FaultSpec> = {}) {
    this.restore();
  }

  set(endpoint: string, spec: FaultSpec): void {
    this.active.set(endpoint, new Fault(spec));
  }

  clear(endpoint: string): boolean {
    return this.active.delete(endpoint);
  }

  get(endpoint: string): Fault | undefined {
    return this.active.get(endpoint);
  }

  list(): Record<string, FaultSpec> {
    return Object.fromEntries([...this.active].map(([k, f]) => [k, f.spec]));
  }

  stats(endpoint: string): EndpointStats {
    let s = this.counters.get(endpoint);
    if (!s) this.counters.set(endpoint, (s = emptyStats()));
    return s;
  }

  allStats(): Record<string, EndpointStats> {
    return Object.fromEntries(this.counters);
  }

  /** Back to the configured faults with fresh random streams, and zero counters. */
  restore(): void {
    this.active.clear();
    this.counters.clear();
    for (const [endpoint, spec] of Object.entries(this.initial)) this.set(endpoint, spec);
  }
}
