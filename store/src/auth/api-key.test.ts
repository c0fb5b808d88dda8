import { describe, expect, it } from 'vitest';
import { generateApiKey, hashToken, keyPrefix } from './api-key.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { keyFromHeaders } from './authenticate.ts';

describe('API keys', () => {
  it('are sl_<prefix>_<secret>, random, and stored as a SHA-256 hash', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^sl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(keyPrefix(a.key)).toBe(a.prefix);
    expect(a.hash).toBe(hashToken(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.key.split('_')[2]);
  });

  it('rejects anything not shaped like a key', () => {
    expect(keyPrefix('sl_1234567_abc')).toBeUndefined();
    expect(keyPrefix(`sl_zzzzzzzz_${'a'.repeat(43)}`)).toBeUndefined();
    expect(keyPrefix(`xx_12345678_${'a'.repeat(43)}`)).toBeUndefined();
  });

  it('are read from Authorization: Bearer or x-sightline-key', () => {
    expect(keyFromHeaders({ authorization: 'Bearer sl_k' })).toBe('sl_k');
    expect(keyFromHeaders({ authorization: 'bearer   sl_k' })).toBe('sl_k');
    expect(keyFromHeaders({ 'x-sightline-key': ' sl_k ' })).toBe('sl_k');
    expect(keyFromHeaders({ 'x-sightline-key': ['sl_a', 'sl_b'] })).toBe('sl_a');
    expect(keyFromHeaders({})).toBeUndefined();
    expect(keyFromHeaders({ 'x-sightline-key': '' })).toBeUndefined();
  });

  it('are read from Basic auth: the password, or the user name when there is no password', () => {
    const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;
    expect(keyFromHeaders({ authorization: basic('grafana:sl_k') })).toBe('sl_k');
    expect(keyFromHeaders({ authorization: basic('sl_k:') })).toBe('sl_k');
    expect(keyFromHeaders({ authorization: basic('sl_k') })).toBe('sl_k');
    expect(keyFromHeaders({ authorization: basic('user:pa:ss') })).toBe('pa:ss');
    // Nothing usable: the header itself is the (invalid) key, so the caller gets a 401.
    expect(keyFromHeaders({ authorization: basic(':') })).toBe(basic(':'));
  });
});

describe('passwords', () => {
  it('hash with scrypt and a per-user salt, and verify only the right password', async () => {
    const a = await hashPassword('hunter2-but-longer');
    const b = await hashPassword('hunter2-but-longer');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('hunter2-but-longer', a)).toBe(true);
    expect(await verifyPassword('hunter2-but-longer', b)).toBe(true);
    expect(await verifyPassword('hunter3-but-longer', a)).toBe(false);
    expect(await verifyPassword('hunter2-but-longer', 'plain text')).toBe(false);
  });
});
