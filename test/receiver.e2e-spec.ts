import { randomBytes } from 'node:crypto';
import { signWebhook } from '../src/delivery/webhook-signature';
import { Receiver, startReceiver } from './support/receiver';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

function push(r: Receiver, path: string, body: object, secrets: string[], timestamp = Math.floor(Date.now() / 1000), tamper = false) {
  const raw = JSON.stringify(body);
  const headers = signWebhook({ id: `msg-${path}`, timestamp, body: raw, secrets });
  return fetch(r.url(path), { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: tamper ? raw + ' ' : raw });
}

describe('test receiver', () => {
  let r: Receiver;
  beforeEach(async () => (r = await startReceiver()));
  afterEach(() => r.close());

  it('plays a plan in order and then repeats its last step', async () => {
    r.respond('/a', [{ status: 503, headers: { 'retry-after': '7' } }, { status: 500, delayMs: 20 }, { status: 204 }]);
    const answers: Array<[number, string | null]> = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(r.url('/a'), { method: 'POST', body: '{}' });
      answers.push([res.status, res.headers.get('retry-after')]);
    }
    expect(answers).toEqual([[503, '7'], [500, null], [204, null], [204, null]]);
    expect((await fetch(r.url('/other'), { method: 'POST', body: 'x' })).status).toBe(200);
    expect([r.count('/a'), r.count('/other'), r.count()]).toEqual([4, 1, 5]);
    expect(r.received('/a').map((x) => x.status)).toEqual([503, 500, 204, 204]);
  });

  it('verifies signatures per path, accepting either secret of a rotation', async () => {
    const [current, previous, stranger] = [secret(), secret(), secret()];
    r.secret('/new', current);
    r.secret('/old', previous);
    r.secret('/other', stranger);
    for (const path of ['/new', '/old', '/other', '/unset']) await push(r, path, { n: 1 }, [current, previous]);
    await push(r, '/new', { n: 2 }, [current], undefined, true);
    expect(r.received().map((x) => [x.path, x.verified])).toEqual([
      ['/new', true], ['/old', true], ['/other', false], ['/unset', false], ['/new', false],
    ]);
    expect(r.received('/new')[0]).toMatchObject({ webhookId: 'msg-/new', body: { n: 1 }, fresh: true });
  });

  it('judges timestamps apart, by the clock it is given', async () => {
    const fixed = new Date('2025-06-01T04:00:00Z');
    const fr = await startReceiver({ now: () => fixed });
    try {
      const s = secret();
      fr.secret('/p', s);
      await push(fr, '/p', { n: 1 }, [s], fixed.getTime() / 1000 + 60);
      await push(fr, '/p', { n: 2 }, [s], fixed.getTime() / 1000 - 3600);
      expect(fr.received('/p').map((x) => [x.verified, x.fresh])).toEqual([[true, true], [true, false]]);
    } finally {
      await fr.close();
    }
    const s = secret();
    r.secret('/q', s);
    await push(r, '/q', { n: 3 }, [s], fixed.getTime() / 1000);
    expect(r.received('/q').map((x) => [x.verified, x.fresh])).toEqual([[true, false]]); // wall clock by default
  });

  it('waits for a condition, or says why it gave up', async () => {
    setTimeout(() => void fetch(r.url('/late'), { method: 'POST', body: '{}' }), 50);
    await expect(r.waitFor((all) => all.some((x) => x.path === '/late'), 5000)).resolves.toHaveLength(1);
    await expect(r.waitFor(() => r.count('/never') > 0, 100)).rejects.toThrow(/not met within 100 ms/);
  });

  it('can hang, and cuts hanging connections on close', async () => {
    r.respond('/h', [{ hang: true }]);
    const pending = fetch(r.url('/h'), { method: 'POST', body: '{}' }).then(() => 'answered', () => 'cut');
    await r.waitFor(() => r.count('/h') === 1, 5000);
    expect(r.received('/h')[0].status).toBeNull();
    await r.close();
    await expect(pending).resolves.toBe('cut');
    r = await startReceiver(); // afterEach closes it
  });
});
