import type { AppConfig } from '../config/config.schema';
import { checkUrlShape, UrlGuard, UrlNotAllowed, UrlUnresolvable } from './url-guard';

const none = new Set<string>();
const local = new Set(['localhost', '127.0.0.1', '::1']);

/** A guard whose DNS answers come from a table: this machine may have no resolver. */
class TableGuard extends UrlGuard {
  protected override readonly resolveTimeoutMs = 50;
  constructor(
    allow: string[],
    private readonly table: Record<string, string[] | 'hang' | 'fail'>,
  ) {
    super({ outbound: { allow } } as unknown as AppConfig);
  }
  protected override resolve(host: string): Promise<string[]> {
    const answer = this.table[host];
    if (answer === 'hang') return new Promise(() => undefined);
    if (answer === 'fail' || !answer) return Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    return Promise.resolve(answer);
  }
}

async function reason(guard: UrlGuard, url: string): Promise<string | null> {
  try {
    await guard.assertSendable(url);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(UrlNotAllowed);
    return (error as UrlNotAllowed).reason;
  }
}

describe('URL shape', () => {
  it('demands https unless the host is allow-listed', () => {
    expect(checkUrlShape('http://example.org/x', none)).toMatch(/must use https/);
    expect(checkUrlShape('ftp://example.org/x', local)).toMatch(/must use https/);
    expect(checkUrlShape('http://localhost:9/x', local)).toEqual({ host: 'localhost', literal: false, allowListed: true });
    expect(checkUrlShape('https://example.org/hook', none)).toEqual({ host: 'example.org', literal: false, allowListed: false });
  });

  it('refuses credentials, relative and oversized URLs', () => {
    expect(checkUrlShape('https://user:pw@example.org/', none)).toBe('must not contain credentials');
    expect(checkUrlShape('https://user@example.org/', none)).toBe('must not contain credentials');
    expect(checkUrlShape('/hook', none)).toBe('must be an absolute URL');
    expect(checkUrlShape(`https://example.org/${'a'.repeat(2100)}`, none)).toMatch(/at most 2048/);
  });

  it('sees through the IP spellings the URL parser normalises', () => {
    expect(checkUrlShape('https://[::1]/x', local)).toMatchObject({ host: '::1', literal: true, allowListed: true });
    expect(checkUrlShape('https://2130706433/x', none)).toMatchObject({ host: '127.0.0.1', literal: true });
    expect(checkUrlShape('https://0x7f.1/x', none)).toMatchObject({ host: '127.0.0.1', literal: true });
    expect(checkUrlShape('https://LocalHost./x', local)).toMatchObject({ host: 'localhost', allowListed: true });
  });
});

describe('UrlGuard', () => {
  const guard = new TableGuard([], {
    'hooks.agency.example': ['203.0.114.7', '2606:4700::1'],
    'mixed.example': ['93.184.216.34', '10.0.0.5'],
    'metadata.example': ['169.254.169.254'],
    'mapped.example': ['::ffff:127.0.0.1'],
    'slow.example': 'hang',
    'empty.example': [],
  });

  it('accepts https to a host whose every address is public', async () => {
    expect(await reason(guard, 'https://hooks.agency.example/push')).toBeNull();
    expect(await reason(guard, 'https://93.184.216.34/push')).toBeNull();
  });

  it('refuses a host when any of its addresses is internal', async () => {
    expect(await reason(guard, 'https://mixed.example/')).toBe('mixed.example resolves to 10.0.0.5, a private address');
    expect(await reason(guard, 'https://metadata.example/')).toMatch(/169\.254\.169\.254, a link-local/);
    expect(await reason(guard, 'https://mapped.example/')).toMatch(/IPv4-mapped loopback/);
  });

  it('refuses internal IP literals', async () => {
    expect(await reason(guard, 'https://127.0.0.1/x')).toBe('127.0.0.1 is a loopback address');
    expect(await reason(guard, 'https://[::ffff:169.254.169.254]/x')).toMatch(/IPv4-mapped link-local/);
    expect(await reason(guard, 'https://[fd00::1]/x')).toMatch(/unique local/);
  });

  it('answers resolution failures and slow resolvers with a reason, not an exception or a hang', async () => {
    expect(await reason(guard, 'https://unknown.example/')).toBe('unknown.example could not be resolved (ENOTFOUND)');
    expect(await reason(guard, 'https://slow.example/')).toBe('resolving slow.example took longer than 50 ms');
    expect(await reason(guard, 'https://empty.example/')).toBe('empty.example resolves to no address');
  });

  it('tells an unresolvable host (a push retries it) from a refused address (final)', async () => {
    const kind = (url: string) => guard.assertSendable(url).then(() => 'sendable', (e) => (e instanceof UrlUnresolvable ? 'unresolvable' : 'refused'));
    expect(await kind('https://unknown.example/')).toBe('unresolvable');
    expect(await kind('https://slow.example/')).toBe('unresolvable');
    expect(await kind('https://empty.example/')).toBe('unresolvable');
    expect(await kind('https://mixed.example/')).toBe('refused');
    expect(await kind('https://10.0.0.1/')).toBe('refused');
    expect(await kind('http://hooks.agency.example/')).toBe('refused');
  });

  it('lets allow-listed hosts use plain http and private addresses without resolving them', async () => {
    const sandbox = new TableGuard(['127.0.0.1', 'Sandbox.Local'], {});
    expect(await reason(sandbox, 'http://127.0.0.1:4010/v1')).toBeNull();
    expect(await reason(sandbox, 'http://sandbox.local/v1')).toBeNull();
    expect(await reason(sandbox, 'http://127.0.0.2/v1')).toMatch(/must use https/);
    expect(await reason(sandbox, 'https://127.0.0.2/v1')).toBe('127.0.0.2 is a loopback address');
  });
});
