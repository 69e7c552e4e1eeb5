import { StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ifNoneMatchHits } from '../common/http/etag';
import type { Readable } from 'node:stream';

/** A public answer: JSON, or a CSV written only when the caller's copy is stale. */
export type PublicAnswer<T> =
  | { etag: string; json: T }
  | { etag: string; csv: { filename: string; asciiFilename: string; open(): Readable } };

// Five minutes: the lists change with sweeps and stage changes, and a reader may wait that long for them.
const CACHE_CONTROL = 'public, max-age=300';

/** Sets the cache headers and answers 304 when the caller's ETag still holds; the CSV stream opens only otherwise. */
export function sendCached<T>(reply: FastifyReply, answer: PublicAnswer<T>, ifNoneMatch: string | undefined): T | StreamableFile | undefined {
  void reply.header('etag', answer.etag).header('cache-control', CACHE_CONTROL);
  if (ifNoneMatchHits(ifNoneMatch, answer.etag)) {
    void reply.status(304);
    return undefined;
  }
  if ('json' in answer) return answer.json;
  const { filename, asciiFilename, open } = answer.csv;
  return new StreamableFile(open(), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${asciiFilename}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
  });
}
