import type { Inclusion } from '../ledger/proofs.service';

/**
 * The push body of DESIGN section 5, `{"type", "record", "jws", "inclusion"}`. The record is the JWS payload
 * itself: it is already the record's canonical JSON, so it is spliced in as it stands rather than parsed and
 * printed again (a parsed and re-stringified canonical object comes out byte for byte the same). `inclusion`
 * proves the record's ledger entry is in the transparency log, against a checkpoint that covers it.
 */
export function webhookBody(event: string, jws: string, inclusion?: Inclusion): string {
  const payload = Buffer.from(jws.slice(jws.indexOf('.') + 1, jws.lastIndexOf('.')), 'base64url').toString('utf8');
  const proof = inclusion ? `,"inclusion":${JSON.stringify(inclusion)}` : '';
  return `{"type":${JSON.stringify(event)},"record":${payload},"jws":${JSON.stringify(jws)}${proof}}`;
}
