import { HttpService } from '@nestjs/axios';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { AxiosResponse } from 'axios';
import type { Agent } from 'node:http';
import type { Readable } from 'node:stream';
import { BLOCKED_ADDRESS } from '../subscriptions/guarded-lookup';
import type { AttemptOutcome } from './retry-policy';

export interface SendResult {
  outcome: AttemptOutcome;
  durationMs: number;
  /** The start of the response body (at most SNIPPET_CHARS characters); null when there was no response. */
  snippet: string | null;
}

export const SNIPPET_CHARS = 2048;
/** Enough bytes for SNIPPET_CHARS characters of any UTF-8 text. */
const SNIPPET_BYTES = SNIPPET_CHARS * 4;
/** A longer body is cut off rather than drained: the socket is lost, but an endless answer cannot hold a worker. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

/**
 * Pushes one body to one URL. Every failure is an outcome for the retry policy, never an exception, and
 * `timeoutMs` bounds the whole exchange: the request is aborted, not merely abandoned.
 */
@Injectable()
export class HttpSender implements OnApplicationShutdown {
  constructor(private readonly http: HttpService) {}

  async send(url: string, body: Buffer | string, headers: Record<string, string>, timeoutMs: number): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // A plain timer, cleared when done: AbortSignal.timeout registers every signal for finalization.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      let response: AxiosResponse<Readable>;
      try {
        // The axios instance itself: the Observable wrapper would add a cancel token per push, and the
        // signal already cancels.
        response = await this.http.axiosRef.request<Readable>({
          method: 'POST',
          url,
          // A Buffer goes out as it is; a string body marked as JSON would be parsed again by axios to check it.
          data: typeof body === 'string' ? Buffer.from(body) : body,
          headers: { ...headers, 'Content-Type': 'application/json' },
          responseType: 'stream',
          signal: abort.signal,
        });
      } catch (error) {
        return { outcome: failure(error, abort.signal.aborted), durationMs: elapsed(), snippet: null };
      }
      const snippet = await readSnippet(response.data);
      const retryAfter = response.headers['retry-after'];
      const outcome: AttemptOutcome = { kind: 'response', status: response.status };
      if (typeof retryAfter === 'string' && retryAfter) outcome.retryAfter = retryAfter;
      return { outcome, durationMs: elapsed(), snippet };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The last shutdown phase: pushes still in flight were let finish before (the delivery worker drains them
   * while stopping), and destroying their sockets earlier would fail pushes the receiver already accepted.
   * Idle keep-alive sockets would otherwise hold the process open.
   */
  onApplicationShutdown(): void {
    const defaults = this.http.axiosRef.defaults;
    for (const agent of [defaults.httpAgent, defaults.httpsAgent] as Array<Agent | undefined>) agent?.destroy();
  }
}

/**
 * The start of the body. A body that stalls or breaks off after the status line still counts as an answer:
 * the status is what the retry policy needs (axios destroys the stream when the time is up).
 */
function readSnippet(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let seen = 0;
    let finished = false;
    // Whatever arrived: at the end, when cut off mid-body, or at the drain limit, whichever comes first.
    const done = () => {
      if (finished) return;
      finished = true;
      // PostgreSQL text cannot hold NUL.
      resolve(Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').slice(0, SNIPPET_CHARS).replace(/\u0000/g, ''));
    };
    stream.on('data', (chunk: Buffer) => {
      if (kept < SNIPPET_BYTES) {
        chunks.push(chunk);
        kept += chunk.length;
      }
      seen += chunk.length;
      if (seen > DRAIN_LIMIT_BYTES) {
        stream.destroy();
        done();
      }
    });
    stream.once('end', done);
    stream.once('error', done);
    stream.once('close', done);
  });
}

/** A request that got no answer: out of time, refused by the address guard for good, or a network error to retry. */
function failure(error: unknown, timedOut: boolean): AttemptOutcome {
  if (timedOut) return { kind: 'timeout' };
  const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return code === BLOCKED_ADDRESS ? { kind: 'refused', error: describe(error) } : { kind: 'network', error: describe(error) };
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  // Connecting to a name with several addresses fails with an AggregateError whose own message is empty.
  const message = e?.message || e?.errors?.map((x) => x.message).join('; ') || '';
  if (e?.code && !message.includes(e.code)) return message ? `${e.code}: ${message}` : e.code;
  return message || String(error);
}
