import type { LookupAddress } from 'node:dns';
import { BLOCKED_ADDRESS, guardedLookup } from './guarded-lookup';

/** Runs the lookup against a fixed table, the way net.connect calls it. */
function lookUp(table: Record<string, string[]>, allow: string[], host: string, all: boolean) {
  const lookup = guardedLookup(new Set(allow), (name, _options, callback) => {
    const addresses = table[name.toLowerCase()] ?? [];
    if (all) callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    else callback(null, addresses[0], addresses[0].includes(':') ? 6 : 4);
  });
  return new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
    lookup(host, { all }, (error: NodeJS.ErrnoException | null, address: string | LookupAddress[]) => resolve({ error, address })),
  );
}

describe('guardedLookup', () => {
  const table = {
    'agency.example.cn': ['203.119.26.1'],
    'rebound.example.cn': ['203.119.26.2', '10.0.0.7'],
    'metadata.example.cn': ['fd00::1'],
    'receiver.internal': ['127.0.0.1'],
  };

  it('passes public addresses through, in either form net.connect asks for', async () => {
    expect(await lookUp(table, [], 'agency.example.cn', false)).toEqual({ error: null, address: '203.119.26.1' });
    expect(await lookUp(table, [], 'agency.example.cn', true)).toEqual({ error: null, address: [{ address: '203.119.26.1', family: 4 }] });
  });

  it('refuses a host when any address it resolves to is internal', async () => {
    const { error } = await lookUp(table, [], 'rebound.example.cn', true);
    expect(error?.code).toBe(BLOCKED_ADDRESS);
    expect(error?.message).toBe('rebound.example.cn resolves to 10.0.0.7, a private address');
    expect((await lookUp(table, [], 'metadata.example.cn', false)).error?.code).toBe(BLOCKED_ADDRESS);
  });

  it('lets hosts in outbound.allow reach internal addresses', async () => {
    expect(await lookUp(table, ['receiver.internal'], 'Receiver.Internal', false)).toEqual({ error: null, address: '127.0.0.1' });
  });
});
