import { HttpService } from '@nestjs/axios';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AxiosError } from 'axios';
import { randomUUID } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/config.schema';
import { SNIPPET_CHARS } from '../delivery/http-sender';
import { parseRetryAfter } from '../delivery/retry-policy';
import { signWebhook } from '../delivery/webhook-signature';
import { CreditPlatformAdapter, PlatformHolding, PlatformItem, PlatformItemResult, PushOutcome } from './credit-platform.adapter';

/** The platform contract over HTTP: client id plus Standard Webhooks headers signed over the exact body. */
@Injectable()
export class HttpCreditPlatformAdapter extends CreditPlatformAdapter implements OnApplicationShutdown {
  constructor(
    private readonly http: HttpService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Keep-alive sockets would otherwise hold the process open; closed last, after batches in flight finished. */
  onApplicationShutdown(): void {
    const { httpAgent, httpsAgent } = this.http.axiosRef.defaults;
    (httpAgent as { destroy?: () => void } | undefined)?.destroy?.();
    (httpsAgent as { destroy?: () => void } | undefined)?.destroy?.();
  }

  enabled(): boolean {
    return this.config.creditPlatform.secret !== '';
  }

  async pushBatch(items: PlatformItem[]): Promise<PushOutcome> {
    const body = JSON.stringify({ source: this.config.creditPlatform.source, items });
    const started = Date.now();
    try {
      const res = await firstValueFrom(
        this.http.post(this.url('/v1/records:batch'), body, {
          headers: this.headers(body),
          timeout: this.config.delivery.timeoutMs,
          signal: AbortSignal.timeout(this.config.delivery.timeoutMs),
          responseType: 'text',
          transformResponse: (raw) => raw,
        }),
      );
      const durationMs = Date.now() - started;
      const text = String(res.data ?? '');
      if (res.status < 200 || res.status >= 300) {
        const retryAfter = res.headers['retry-after'];
        return { kind: 'failure', outcome: { kind: 'response', status: res.status, retryAfter: retryAfter ? String(retryAfter) : undefined }, durationMs, snippet: text.slice(0, SNIPPET_CHARS) };
      }
      const results = parseResults(text);
      if (!results) return { kind: 'failure', outcome: { kind: 'network', error: 'the platform answered without results' }, durationMs, snippet: text.slice(0, SNIPPET_CHARS) };
      return { kind: 'results', status: res.status, results, durationMs };
    } catch (e) {
      const durationMs = Date.now() - started;
      const timedOut = (e as AxiosError).code === 'ECONNABORTED' || (e as Error).name === 'CanceledError' || (e as Error).name === 'TimeoutError';
      return { kind: 'failure', outcome: timedOut ? { kind: 'timeout' } : { kind: 'network', error: (e as Error).message }, durationMs, snippet: null };
    }
  }

  async list(page: { cursor?: string | null; updatedAfter?: string; limit: number }): Promise<{ items: PlatformHolding[]; nextCursor: string | null }> {
    const params = new URLSearchParams({ source: this.config.creditPlatform.source, limit: String(page.limit) });
    if (page.cursor) params.set('cursor', page.cursor);
    if (page.updatedAfter) params.set('updatedAfter', page.updatedAfter);
    const res = await firstValueFrom(
      this.http.get(`${this.url('/v1/records')}?${params}`, { headers: this.headers(''), timeout: this.config.delivery.timeoutMs }),
    );
    if (res.status !== 200 || !Array.isArray(res.data?.items)) {
      throw new Error(`credit platform listing answered ${res.status}${res.headers['retry-after'] ? ` (retry after ${parseRetryAfter(String(res.headers['retry-after']), this.clock.now())} ms)` : ''}`);
    }
    return { items: res.data.items, nextCursor: res.data.nextCursor ?? null };
  }

  private url(path: string): string {
    return this.config.creditPlatform.url.replace(/\/+$/, '') + path;
  }

  private headers(body: string): Record<string, string> {
    const { clientId, secret } = this.config.creditPlatform;
    return {
      'content-type': 'application/json',
      'x-client-id': clientId,
      ...signWebhook({ id: `msg_${randomUUID()}`, timestamp: Math.floor(this.clock.now().getTime() / 1000), body, secrets: [secret] }),
    };
  }
}

function parseResults(text: string): PlatformItemResult[] | null {
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed?.results) ? parsed.results : null;
  } catch {
    return null;
  }
}
