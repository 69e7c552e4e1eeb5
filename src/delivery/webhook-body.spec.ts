import { CompactSign, generateKeyPair } from 'jose';
import { canonicalJson } from '../signing/canonical';
import { webhookBody } from './webhook-body';

describe('webhookBody', () => {
  it('is what JSON.stringify makes of {type, record, jws}, byte for byte', async () => {
    const record = { recordId: '01JW0000000000000000000001', subject: { name: '河源市"新"钢铁有限公司\n', uscc: '91441602MA4UJXKQ2L' }, measures: ['land_supply'], version: 2, ratio: 0.5 };
    const { privateKey } = await generateKeyPair('EdDSA');
    const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(record))).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
    const body = webhookBody('sanction.issued', jws);
    expect(body).toBe(JSON.stringify({ type: 'sanction.issued', record: JSON.parse(canonicalJson(record)), jws }));
    expect(JSON.parse(body).record).toEqual(record);
  });

  it('carries the inclusion proof after the signed record', async () => {
    const { privateKey } = await generateKeyPair('EdDSA');
    const jws = await new CompactSign(new TextEncoder().encode(canonicalJson({ a: 1 }))).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
    const inclusion = { checkpoint: { treeSize: 3, rootHash: 'ab'.repeat(32), timestamp: '2025-06-01T04:00:00.000Z', jws: 'h.p.s' }, leafIndex: 2, auditPath: ['cd'.repeat(32)] };
    expect(webhookBody('sanction.issued', jws, inclusion)).toBe(JSON.stringify({ type: 'sanction.issued', record: { a: 1 }, jws, inclusion }));
  });
});
