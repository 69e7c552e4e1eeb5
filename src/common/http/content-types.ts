import type { FastifyInstance } from 'fastify';

/** CSV and NDJSON arrive as raw bytes for the importer, under their own (larger) size limit. */
export function registerBulkContentTypes(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser(
    ['text/csv', 'application/x-ndjson', 'application/ndjson'],
    { parseAs: 'buffer', bodyLimit },
    (_request, body, done) => done(null, body),
  );
}
