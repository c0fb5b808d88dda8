import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';

const entry = join(import.meta.dirname, '../src/sightline.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
const dataDir = mkdtempSync(join(tmpdir(), 'sl-keys-cli-'));

const keysCli = (...args: string[]) =>
  spawnSync(tsx, [entry, 'keys', ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 120_000,
  });

let s: RunningSightline | undefined;
afterAll(async () => s?.close());

const postTraces = (key: string) =>
  fetch(`${s!.otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sightline-key': key },
    body: '{}',
  }).then((r) => r.status);

describe('sightline keys', () => {
  let kept = '';
  let revoked = '';

  it('creates, lists (prefix only) and revokes keys in the store', () => {
    const a = keysCli('create', '--name', 'collector', '--scope', 'ingest');
    expect(a.status, a.stderr).toBe(0);
    kept = /Key \(shown only now\): (sl_\S+)/.exec(a.stdout)?.[1] ?? '';
    expect(kept).toMatch(/^sl_[0-9a-f]{8}_/);
    const b = keysCli('create', '--name=old', '--scope=ingest,read');
    expect(b.status, b.stderr).toBe(0);
    revoked = /Key \(shown only now\): (sl_\S+)/.exec(b.stdout)?.[1] ?? '';

    const list = keysCli('list');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toContain(`sl_${kept.split('_')[1]}_…  collector  ingest`);
    expect(list.stdout).not.toContain(kept);

    const r = keysCli('revoke', revoked.split('_')[1]!);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("Revoked API key 'old'");
    expect(keysCli('list').stdout).toMatch(/old {2}ingest,read {2}created \S+ {2}REVOKED/);
  }, 300_000);

  it('explains a bad scope and an unknown key', () => {
    const bad = keysCli('create', '--name', 'x', '--scope', 'write');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      "--scope: expected a comma-separated list of ingest, read, admin, got 'write'",
    );
    const missing = keysCli('revoke', 'nosuchkey');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("no API key with id or prefix 'nosuchkey'");
  }, 300_000);

  it('keys made by the CLI work on the server, and the CLI points to the API while it runs', async () => {
    s = await startTestSightline(
      testConfig({ SIGHTLINE_DATA_DIR: dataDir, SIGHTLINE_AUTH: 'on', SIGHTLINE_GRPC_PORT: 'off' }),
    );
    expect(await postTraces(kept)).toBe(200);
    expect(await postTraces(revoked)).toBe(401);
    const busy = keysCli('list');
    expect(busy.status).toBe(1);
    expect(busy.stderr).toContain('is in use by another process');
    expect(busy.stderr).toContain('/api/v1/keys');
  }, 300_000);
});
