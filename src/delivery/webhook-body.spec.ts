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
});
