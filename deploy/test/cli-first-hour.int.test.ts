import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, utimesSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config-settings.ts';
import { entry, processesWith, repo, startUpLines, tsx } from './cli-helpers.ts';

const PORTS_0 = ['--otlp-port', '0', '--grpc-port', '0', '--api-port', '0'];

/** Runs `cmd` to its end and collects what it printed. */
function finish(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((r) => child.on('exit', (code) => r({ code, out, err })));
}

/** Stops every process started on `dataDir` (Ctrl-C, as a person would) and waits for them. */
async function stopAll(dataDir: string): Promise<void> {
  for (const p of processesWith(dataDir)) process.kill(Number(p.split(' ')[0]), 'SIGINT');
  await expect.poll(() => processesWith(dataDir), { timeout: 30_000 }).toEqual([]);
}

describe('the command line a new user meets', () => {
  it('`npm start -- --help` answers without building the dashboard, aligned and grouped', async () => {
    // Make the dashboard stale: a start would build it first; --help must not.
    const now = new Date();
    utimesSync(join(repo, 'dashboard', 'index.html'), now, now);
    const r = await finish(spawn('npm', ['start', '--', '--help'], { cwd: repo }));
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain('dashboard:');
    const lines = r.out.split('\n');
    const header = lines.find((l) =>
      /^\s+flag\s+environment variable\s+default\s+meaning$/.test(l),
    );
    expect(header).toBeDefined();
    const columns = ['environment variable', 'default', 'meaning'].map((h) => header!.indexOf(h));
    const rows = lines.filter((l) => l.startsWith('  --'));
    // Every setting once; each cell starts exactly under its heading, after a gap.
    expect(rows.map((l) => l.trim().split(/\s+/)[0]).sort()).toEqual(
      Object.values(SETTINGS)
        .map((s) => `--${s.flag}`)
        .sort(),
    );
    for (const row of rows) {
      for (const at of columns) {
        expect(row.slice(at - 2, at), row).toBe('  ');
        expect(row[at], row).not.toBe(' ');
      }
    }
    expect(rows.find((l) => l.includes('--log-format'))).toContain('SIGHTLINE_LOG_FORMAT');
    // Grouped by role: a heading, then its settings.
    const headings = lines.filter((l) => /^\S.*:$/.test(l));
    expect(headings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Listeners/),
        expect.stringMatching(/^Store/),
        expect.stringMatching(/^Roles and Kafka/),
        expect.stringMatching(/^Security/),
      ]),
    );
    const kafka = lines.indexOf(headings.find((h) => h.startsWith('Roles and Kafka'))!);
    expect(lines[kafka + 2]).toContain('--kafka-brokers');
  });

  it('says in one sentence which port is taken and how to choose another, exiting 1', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const args = [...PORTS_0, '--otlp-port', String(port)];
      const dataDir = mkdtempSync(join(tmpdir(), 'sl-port-'));
      const r = spawnSync(tsx, [entry, ...args, '--data-dir', dataDir], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(
        `sightline: Port ${port} on 127.0.0.1 is already in use, so Sightline cannot listen there ` +
          'for OTLP/HTTP: stop the program using it, or choose another port with --otlp-port ' +
          '(SIGHTLINE_OTLP_PORT).',
      );
      expect(r.stdout).not.toMatch(/"stack"|EADDRINUSE/);
    } finally {
      squatter.close();
    }
  });

  it('says which data folder another running Sightline holds and what to do, exiting 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sl-locked-'));
    const first = spawn(tsx, [entry, ...PORTS_0, '--data-dir', dataDir, '--log-level', 'warn']);
    let out = '';
    first.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await startUpLines(() => out);
      const second = spawnSync(tsx, [entry, ...PORTS_0, '--data-dir', dataDir], {
        encoding: 'utf8',
      });
      expect(second.status).toBe(1);
      const holder = processesWith(dataDir).map((p) => p.split(' ')[0]);
      const said = /^sightline: (.*)$/m.exec(second.stderr)?.[1];
      expect(said).toMatch(
        new RegExp(
          `^The data folder ${dataDir} is in use by another running Sightline \\(process (${holder.join('|')})\\): ` +
            'stop that one first, or give this one its own folder with --data-dir \\(SIGHTLINE_DATA_DIR\\)\\.$',
        ),
      );
      expect(second.stdout + second.stderr).not.toContain('"stack"');
    } finally {
      await stopAll(dataDir);
    }
  });

  it('logs short coloured lines on a terminal, and JSON lines when asked', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sl-tty-'));
    const run = (extra: string) =>
      // script(1) gives the server a real terminal as its stdout.
      spawn('script', [
        '-qfec',
        `${tsx} ${entry} ${PORTS_0.join(' ')} --data-dir ${dataDir} ${extra}`,
        '/dev/null',
      ]);
    for (const [extra, pretty] of [
      ['', true],
      ['--log-format json', false],
    ] as const) {
      const child = run(extra);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const done = new Promise((r) => child.on('exit', r));
      try {
        await startUpLines(() => out);
        const listening = out.split(/\r?\n/).find((l) => l.includes('Server listening at'));
        if (pretty) {
          // 12:34:56.789 INFO [receive] Server listening at http://…, level in green
          // ESC shown as ^ so the pattern has no control characters.
          expect(listening?.replaceAll('\x1b', '^')).toMatch(
            /^\^\[90m\d\d:\d\d:\d\d\.\d{3}\^\[0m \^\[32mINFO \^\[0m \^\[35m\[(receive|query)\]\^\[0m Server listening at http:\/\/127\.0\.0\.1:\d+$/,
          );
          expect(out).not.toContain('{"level"');
        } else {
          expect(JSON.parse(listening!)).toMatchObject({ level: 30, service: 'sightline' });
        }
      } finally {
        await stopAll(dataDir);
        await done;
      }
    }
  });
});
