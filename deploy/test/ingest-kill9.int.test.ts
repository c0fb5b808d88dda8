import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreClients } from '@sightline/store/client-factory';
import { startMockBroker, type MockBroker } from '../../collector/test/kafka-mock/mock-broker.ts';
import { startRoles, type RunningRoles } from '../src/start-roles.ts';
import { nowNanos, testConfig } from './harness.ts';

// Issue 3's crash test at process level: the ingest process is SIGKILLed while it consumes and
// inserts, then started again on the same data folder. Kafka offsets are committed only after an
// insert, and a replayed batch carries the same deduplication token, so every span the receive
// instance acknowledged must be stored exactly once.
const TOPICS = { otlp_spans: 8, otlp_logs: 2, otlp_metrics: 1, sightline_dead_letter: 1 };
const FIXTURE = fileURLToPath(new URL('./fixtures/ingest-process.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const REQUESTS = 120;
const SPANS_PER_REQUEST = 500;

let broker: MockBroker;
let receive: RunningRoles;
const dataDir = mkdtempSync(join(tmpdir(), 'sightline-kill9-'));
const children: ChildProcess[] = [];

interface IngestProcess {
  child: ChildProcess;
  apiUrl: string;
}

async function startIngest(): Promise<IngestProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: REPO,
    env: {
      ...process.env,
      SIGHTLINE_ROLES: 'ingest,query',
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_API_PORT: '0',
      SIGHTLINE_OTLP_PORT: '0',
      SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(','),
      SIGHTLINE_BATCH_MAX_ROWS: '5000',
      SIGHTLINE_SELF_TELEMETRY: 'off',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const ready = (JSON.parse(line) as { ready?: string }).ready;
      if (ready) resolve(ready);
    });
    child.once('exit', (code) => reject(new Error(`ingest process exited (${code}) before ready`)));
  });
  return { child, apiUrl };
}

/** Consumer lag per spans partition from the process's /metrics; undefined while it has none. */
async function spanLag(apiUrl: string): Promise<number[] | undefined> {
  const text = await fetch(`${apiUrl}/metrics`).then((r) => r.text());
  const lags = [
    ...text.matchAll(/^sightline_kafka_consumer_lag\{topic="otlp_spans",[^}]*\} (\d+)$/gm),
  ];
  return lags.length === TOPICS.otlp_spans ? lags.map((m) => Number(m[1])) : undefined;
}

async function rowsInserted(apiUrl: string): Promise<number> {
  const text = await fetch(`${apiUrl}/metrics`).then((r) => r.text());
  return Number(/^sightline_ingest_rows_total (\d+)/m.exec(text)?.[1] ?? 0);
}

async function until(probe: () => Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const request = (n: number) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kill9' } }] },
      scopeSpans: [
        {
          spans: Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
            // Never all zeros: OTLP refuses that id.
            traceId: `9${n.toString(16).padStart(7, '0')}${(i % 50).toString(16).padStart(24, '0')}`,
            spanId: `9${n.toString(16).padStart(7, '0')}${i.toString(16).padStart(8, '0')}`,
            name: 'work',
            startTimeUnixNano: nowNanos(-5),
            endTimeUnixNano: nowNanos(),
          })),
        },
      ],
    },
  ],
});

/** Sends one request until receive acknowledges it (Kafka has it), as an OTLP client retries. */
async function sendAcknowledged(n: number): Promise<void> {
  const body = JSON.stringify(request(n));
  for (;;) {
    const res = await fetch(`${receive.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (res.status === 200) return;
    expect([429, 503]).toContain(res.status);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  broker = await startMockBroker({ topics: TOPICS });
  receive = await startRoles(
    testConfig({ SIGHTLINE_ROLES: 'receive', SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(',') }),
    pino({ level: process.env.SIGHTLINE_TEST_LOG ?? 'silent' }),
    {
      kafkaClient: {
        logLevel: logLevel.NOTHING,
        retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
        connectionTimeout: 300,
        requestTimeout: 1000,
      },
    },
  );
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await receive?.close();
  await broker?.stop();
});

describe('ingest process killed with SIGKILL mid-stream', () => {
  it('stores every acknowledged span exactly once after a restart', async () => {
    let ingest = await startIngest();
    let sent = 0;
    const sending = (async () => {
      // Four clients in parallel, each request acknowledged before the next.
      const next = { n: 0 };
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let n = next.n++; n < REQUESTS; n = next.n++) {
            await sendAcknowledged(n);
            sent += SPANS_PER_REQUEST;
          }
        }),
      );
    })();

    // Kill it once it has stored some batches but long before the stream ends.
    const killed = ingest;
    let storedBeforeKill = 0;
    await until(async () => {
      storedBeforeKill = await rowsInserted(killed.apiUrl);
      return storedBeforeKill >= 10_000;
    }, 'the first inserts');
    killed.child.kill('SIGKILL');
    await once(killed.child, 'exit');
    // Killed mid-stream: it had stored part of what was sent, not all of it.
    expect(storedBeforeKill).toBeLessThan(REQUESTS * SPANS_PER_REQUEST);

    ingest = await startIngest();
    await sending;
    expect(sent).toBe(REQUESTS * SPANS_PER_REQUEST);
    const restarted = ingest;
    await until(async () => {
      const lag = await spanLag(restarted.apiUrl);
      return lag !== undefined && lag.every((l) => l === 0);
    }, 'the restarted consumer to catch up');

    // A graceful stop, then count in this process (one process per data folder).
    restarted.child.kill('SIGTERM');
    await once(restarted.child, 'exit');
    const store = createStoreClients({ dataDir, database: 'sightline' });
    try {
      const rs = await store.reader.query({
        query: `SELECT count() AS n, uniqExact(SpanId) AS u FROM sightline.otel_traces WHERE ServiceName = 'kill9'`,
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ n: string; u: string }>();
      const total = String(REQUESTS * SPANS_PER_REQUEST);
      expect(row).toEqual({ n: total, u: total });
    } finally {
      await store.close();
    }
  }, 400_000);
});
