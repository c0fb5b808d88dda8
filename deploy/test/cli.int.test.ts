import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStoreClients } from '@sightline/store/client-factory';
import { nowNanos } from './harness.ts';
import { entry, processesWith, repo, startUpLines, tsx } from './cli-helpers.ts';

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
    await startUpLines(() => out);
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

  it.each([
    ['SIGTERM to npm alone, as a process manager sends it', false, 'SIGTERM'],
    ['Ctrl-C, SIGINT to the whole process group', true, 'SIGINT'],
  ] as const)('drains and stops under `npm start` on %s', async (_, group, signal) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sl-npm-start-'));
    const args = ['--otlp-port', '0', '--grpc-port', '0', '--api-port', '0', '--data-dir', dataDir];
    const npm = spawn('npm', ['start', '--', ...args], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: group,
      // No dashboard build (npm's ignore-scripts skips it): it would race the browser tests' builds of the same folder.
      env: { ...process.env, npm_config_ignore_scripts: 'true' },
    });
    let out = '';
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => npm.on('exit', (code) => r(code)));
    await startUpLines(() => out);
    expect(processesWith(dataDir).length).toBeGreaterThan(1);
    try {
      // Through npm (and tsx) alone, or to every process at once as a terminal does: either way
      // the server drains once, neither left running nor cut short.
      if (group) process.kill(-npm.pid!, signal);
      else npm.kill(signal);
      expect(await exited).toBe(0);
      expect(out).toContain('stopped');
      expect(out).not.toContain('second signal');
      await expect.poll(() => processesWith(dataDir), { timeout: 10_000 }).toEqual([]);
    } finally {
      // A server left behind would hold its port and data folder past this test.
      for (const p of processesWith(dataDir)) process.kill(Number(p.split(' ')[0]), 'SIGKILL');
    }
  });
});
