import type { FastifyInstance } from 'fastify';

/**
 * The API speaks JSON: Fastify's built-in text/plain parser would hand a string to handlers expecting an
 * object, so such a body is refused as 415 like any other type without a parser.
 */
export function refuseTextBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
}

/** CSV and NDJSON arrive as raw bytes for the importer, under their own (larger) size limit. */
export function registerBulkContentTypes(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser(
    ['text/csv', 'application/x-ndjson', 'application/ndjson'],
    { parseAs: 'buffer', bodyLimit },
    (_request, body, done) => done(null, body),
  );
}
