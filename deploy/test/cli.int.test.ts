import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStoreClients } from '@sightline/store/client-factory';
import { nowNanos } from './harness.ts';

const entry = join(import.meta.dirname, '../src/sightline.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');

describe('the sightline command', () => {
  it('refuses a bad setting, naming the variable and what it expects', () => {
    const r = spawnSync(tsx, [entry], {
      env: { ...process.env, SIGHTLINE_OTLP_PORT: 'http' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("SIGHTLINE_OTLP_PORT: expected an integer 0–65535, got 'http'");
    const flag = spawnSync(tsx, [entry, '--retention-logs-days=-3'], { encoding: 'utf8' });
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain('--retention-logs-days: expected an integer 0–3650');
  });

  it('refuses to listen beyond loopback without authentication', () => {
    const r = spawnSync(
      tsx,
      [entry, '--host', '0.0.0.0', '--data-dir', mkdtempSync(join(tmpdir(), 'sl-cli-'))],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('listening beyond loopback needs authentication');
  });

  it('prints its addresses, and on Ctrl-C stores what it accepted before exiting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sl-cli-'));
    const child = spawn(
      tsx,
      [
        entry,
        '--otlp-port',
        '0',
        '--grpc-port',
        '0',
        '--api-port',
        '0',
        '--data-dir',
        dataDir,
        '--log-level',
        'warn',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 60_000;
    while (!/API\s+http:\/\/\S+/.test(out) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const otlp = /OTLP\/HTTP\s+(http:\/\/\S+)/.exec(out)?.[1];
    const api = /API\s+(http:\/\/\S+)\/api\/v1\/health/.exec(out)?.[1];
    expect(out).toContain(`data       ${dataDir}`);
    expect((await fetch(`${api}/api/v1/health`)).status).toBe(200);
    const sent = Array.from({ length: 50 }, (_, i) =>
      fetch(`${otlp}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                { logRecords: [{ timeUnixNano: nowNanos(), body: { stringValue: `line ${i}` } }] },
              ],
            },
          ],
        }),
      }).then((r) => r.status),
    );
    const statuses = await Promise.all(sent);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const acknowledged = statuses.filter((st) => st === 200).length;
    expect(acknowledged).toBe(50);

    const store = createStoreClients({ dataDir, database: 'sightline' });
    try {
      const rs = await store.reader.query({
        query: 'SELECT count() AS c FROM sightline.otel_logs',
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ c: String(acknowledged) }]);
    } finally {
      await store.close();
    }
  });
});
