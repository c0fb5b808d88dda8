import { describe, expect, it } from 'vitest';
import { password, redactValue, url, weakPasswordReason } from './config-parsers.ts';

describe('setting errors', () => {
  it('never echo a password given in a URL', () => {
    expect(() => url('ftp://ingest:s3cr:et@clickhouse:8123', 'SIGHTLINE_CLICKHOUSE_URL')).toThrow(
      "SIGHTLINE_CLICKHOUSE_URL: expected an http(s):// URL of a ClickHouse server, got 'ftp://ingest:***@clickhouse:8123'",
    );
  });

  it('leave values without credentials as they were', () => {
    expect(redactValue('http://clickhouse:8123/?user=x')).toBe('http://clickhouse:8123/?user=x');
    expect(redactValue('smtp://alerts@mail:25')).toBe('smtp://alerts@mail:25');
    expect(redactValue('not a url: really@')).toBe('not a url: really@');
  });
});

describe('the admin password chosen at set-up', () => {
  const NAME = 'SIGHTLINE_ADMIN_PASSWORD';

  it.each([
    ['x', 'at least 12 characters (it has 1)'],
    ['short-pass1', 'at least 12 characters (it has 11)'],
    ['aaaaaaaaaaaaaaaa', 'at least 5 different characters'],
    ['abababcabcabcab', 'at least 5 different characters'],
    ['123456789012', 'not a run of neighbouring keys, letters or digits'],
    ['7890123456789', 'not a run of neighbouring keys, letters or digits'],
    ['QWERTYUIOPAS', 'not a run of neighbouring keys, letters or digits'],
    ['zyxwvutsrqpon', 'not a run of neighbouring keys, letters or digits'],
    ['Password1234!', "more than a common word ('password') with a few characters added"],
    ['sightline2026', "more than a common word ('sightline') with a few characters added"],
  ])('refuses %j: it needs %s', (weak, reason) => {
    expect(weakPasswordReason(weak)).toBe(reason);
    // The error names the setting and the reason, and never echoes the password.
    let message = '';
    try {
      password(weak, NAME);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      `${NAME}: the password is too weak: it needs ${reason}. Choose a longer passphrase, or unset ${NAME} to have one generated`,
    );
    expect(message).not.toContain(weak);
  });

  it.each([
    'session-test-password',
    'correct horse battery staple',
    'Zürich-Ölberg-7',
    'p4ssw0rd-is-not-the-whole-story',
  ])('accepts %j', (good) => {
    expect(weakPasswordReason(good)).toBeUndefined();
    expect(password(good, NAME)).toBe(good);
  });
});
