import { blockedReason, parseIpv6 } from './ip-ranges';

describe('outbound address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['192.0.2.10', 'documentation'],
  ])('refuses IPv4 %s (%s)', (address, label) => {
    expect(blockedReason(address)).toContain(label);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.0.1', '223.255.255.255', '11.0.0.1'])(
    'accepts public IPv4 %s',
    (address) => {
      expect(blockedReason(address)).toBeNull();
    },
  );

  it.each([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local'],
    ['::ffff:10.1.2.3', 'IPv4-mapped private'],
    ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
    ['2002:c0a8:0101::1', '6to4 private'],
    ['::127.0.0.1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378::1', 'IETF protocol'],
  ])('refuses IPv6 %s (%s)', (address, label) => {
    expect(blockedReason(address)).toContain(label);
  });

  it.each(['2606:4700:4700::1111', '2a00:1450:4001:81c::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:0808:0808::1'])(
    'accepts public IPv6 %s',
    (address) => {
      expect(blockedReason(address)).toBeNull();
    },
  );

  it('refuses what is not an address', () => {
    expect(blockedReason('example.org')).toBe('not an IP address');
    expect(blockedReason('')).toBe('not an IP address');
  });

  it('expands compressed and dotted IPv6 forms to 16 bytes', () => {
    expect(parseIpv6('::1')).toEqual([...new Array(15).fill(0), 1]);
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIpv6('2001:db8:0:0:0:0:0:1')).toEqual(parseIpv6('2001:db8::1'));
    expect(parseIpv6('1.2.3.4')).toBeNull();
  });
});
