import { bullConnection, queuePrefix } from './redis-connection';

describe('bullConnection', () => {
  it('reads host, port, credentials and database from the URL', () => {
    expect(bullConnection('redis://user:p%40ss@cache.local:6380/3')).toMatchObject({
      host: 'cache.local',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 3,
      tls: undefined,
      maxRetriesPerRequest: null,
    });
  });

  it('defaults the port and database and turns on TLS for rediss', () => {
    expect(bullConnection('rediss://[::1]')).toMatchObject({ host: '::1', port: 6379, db: 0, tls: {} });
  });

  it('refuses a database that is not a number', () => {
    expect(() => bullConnection('redis://127.0.0.1/x')).toThrow(/not a number/);
  });
});

describe('queuePrefix', () => {
  it('keeps the queues of each database apart under the key prefix', () => {
    expect(queuePrefix('gateway', 'postgres://postgres@127.0.0.1:5432/gw')).toBe('gateway:gw');
    expect(queuePrefix('gateway', 'postgresql://u@h/gw_t_ab12')).not.toBe(queuePrefix('gateway', 'postgresql://u@h/gw'));
  });
});
