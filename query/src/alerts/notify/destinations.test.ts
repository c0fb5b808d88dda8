import { describe, expect, it } from 'vitest';
import { createDestinationGuard, parseNetworks, refusal } from './destinations.ts';

describe('webhook destinations', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusal(address, [])).toContain(`is a ${range} address`);
  });

  it.each(['93.184.216.34', '2606:4700::1111', '8.8.8.8'])('lets %s through', (address) => {
    expect(refusal(address, [])).toBeUndefined();
  });

  it('lets through what an operator allowed, and nothing next to it', () => {
    const allowed = parseNetworks(['10.20.0.0/16', '127.0.0.1', 'fd00::/8']);
    expect(refusal('10.20.5.6', allowed)).toBeUndefined();
    expect(refusal('127.0.0.1', allowed)).toBeUndefined();
    expect(refusal('fd00::7', allowed)).toBeUndefined();
    expect(refusal('10.21.0.1', allowed)).toContain('private');
    expect(refusal('127.0.0.2', allowed)).toContain('loopback');
  });

  it('names a bad network', () => {
    expect(() => parseNetworks(['10.0.0.0/33'])).toThrow(
      "'10.0.0.0/33' is not an IP address or CIDR network (e.g. 10.0.0.0/8)",
    );
  });

  it('checks URLs whose host is an address before any connection', async () => {
    const guard = createDestinationGuard([]);
    expect(() => guard.check('http://[::1]:9/x')).toThrow('::1 is a loopback address');
    expect(() => guard.check('https://hooks.slack.com/services/x')).not.toThrow();
    await guard.close();
  });
});
