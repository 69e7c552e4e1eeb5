import type { Agency } from './agencies';

export interface FeedbackRequest {
  apiKey: string;
  recordId?: string;
  domain?: string;
  action?: string;
  occurredOn?: string;
  reference?: string;
  note?: string;
}

export interface FeedbackResult {
  recordId: string;
  sent: Record<string, string>;
  /** The gateway's HTTP status; null when it could not be reached. */
  status: number | null;
  body: unknown;
}

const DEFAULT_ACTION = 'restriction_applied';
const PARALLEL = 8;

/** A problem with the request, naming the field, or null. */
export function checkFeedback(body: unknown): string | null {
  if (!body || typeof body !== 'object') return 'body: must be an object';
  const b = body as Record<string, unknown>;
  if (typeof b.apiKey !== 'string' || !b.apiKey) return 'apiKey: required string';
  for (const key of ['recordId', 'domain', 'action', 'occurredOn', 'reference', 'note']) {
    if (b[key] !== undefined && typeof b[key] !== 'string') return `${key}: must be a string`;
  }
  if (b.occurredOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(b.occurredOn as string)) return 'occurredOn: YYYY-MM-DD';
  return null;
}

/**
 * Reports back (反馈, DESIGN section 6) on each record the agency received, or on the one named, as the
 * agency's own system would: one POST /v1/feedback per record with the agency's API key.
 */
export async function sendFeedback(gatewayUrl: string, agency: Agency, request: FeedbackRequest, today: string): Promise<FeedbackResult[]> {
  const measures = new Map<string, string[]>();
  for (const r of agency.received.values()) if (r.recordId) measures.set(r.recordId, r.measures);
  const recordIds = request.recordId ? [request.recordId] : [...measures.keys()];
  const url = `${gatewayUrl.replace(/\/+$/, '')}/v1/feedback`;
  const results: FeedbackResult[] = new Array(recordIds.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < recordIds.length; i = next++) {
      const recordId = recordIds[i];
      const sent: Record<string, string> = {
        recordId,
        // The agency answers for one of its own domains, preferably one the record restricts.
        domain: request.domain ?? agency.domains.find((d) => measures.get(recordId)?.includes(d)) ?? agency.domains[0],
        action: request.action ?? DEFAULT_ACTION,
        occurredOn: request.occurredOn ?? today,
      };
      if (request.reference !== undefined) sent.reference = request.reference;
      if (request.note !== undefined) sent.note = request.note;
      results[i] = { recordId, sent, ...(await post(url, request.apiKey, sent)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, recordIds.length) }, worker));
  return results;
}

async function post(url: string, apiKey: string, body: object): Promise<{ status: number | null; body: unknown }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the text is the answer.
    }
    return { status: res.status, body: parsed };
  } catch (e) {
    return { status: null, body: { error: (e as Error).message } };
  }
}

/** The calendar day of `now` in `timeZone`, as YYYY-MM-DD. */
export function dayIn(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
