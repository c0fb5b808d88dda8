import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { checkSecurity, readTls } from './security.ts';

const config = (env: Record<string, string>) => loadConfig([], env);

describe('security settings', () => {
  it('refuses a non-loopback host with auth off, naming both settings', () => {
    expect(() => checkSecurity(config({ SIGHTLINE_HOST: '0.0.0.0' }))).toThrow(
      /SIGHTLINE_HOST=0\.0\.0\.0 with SIGHTLINE_AUTH=off/,
    );
    expect(() => checkSecurity(config({ SIGHTLINE_HOST: '10.1.2.3' }))).toThrow(
      /SIGHTLINE_AUTH=on/,
    );
  });

  it('accepts loopback without auth and any host with auth on', () => {
    expect(() => checkSecurity(config({}))).not.toThrow();
    expect(() => checkSecurity(config({ SIGHTLINE_HOST: '::1' }))).not.toThrow();
    expect(() =>
      checkSecurity(config({ SIGHTLINE_HOST: '0.0.0.0', SIGHTLINE_AUTH: 'on' })),
    ).not.toThrow();
  });

  it('defaults to auth off and rejects a bad value', () => {
    expect(config({}).security.auth).toBe('off');
    expect(() => config({ SIGHTLINE_AUTH: 'yes' })).toThrow(
      "SIGHTLINE_AUTH: expected one of off, on, got 'yes'",
    );
  });

  it('needs a server store for auth on a receive-only process', () => {
    const env = {
      SIGHTLINE_AUTH: 'on',
      SIGHTLINE_ROLES: 'receive',
      SIGHTLINE_KAFKA_BROKERS: 'k:9092',
    };
    expect(() => checkSecurity(config(env))).toThrow(/set SIGHTLINE_CLICKHOUSE_URL/);
    expect(() =>
      checkSecurity(config({ ...env, SIGHTLINE_CLICKHOUSE_URL: 'http://ch:8123' })),
    ).not.toThrow();
  });

  it('wants TLS certificate and key together, and names a missing file', () => {
    expect(() => config({ SIGHTLINE_TLS_CERT: '/tmp/c.pem' })).toThrow(
      'SIGHTLINE_TLS_CERT and SIGHTLINE_TLS_KEY: set both',
    );
    const both = config({
      SIGHTLINE_TLS_CERT: '/nonexistent/c.pem',
      SIGHTLINE_TLS_KEY: '/nonexistent/k.pem',
    });
    expect(() => readTls(both)).toThrow(/SIGHTLINE_TLS_CERT=\/nonexistent\/c\.pem: ENOENT/);
    expect(readTls(config({}))).toBeUndefined();
  });
});
