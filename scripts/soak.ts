/**
 * `npm run soak -- --minutes N`: the all-in-one in a child process under a steady OTLP load
 * (2,000 spans/s + 1,000 logs/s by default). Every 5 s it samples the child's RSS and ingest queue
 * depth; at the end it stops the child, opens its store and counts stored against acknowledged.
 * Exits 1 if anything acknowledged is missing or duplicated, or if RSS or queue depth trend up:
 * the median of the last third of the samples may exceed the median of the second third by at
 * most RSS_TOLERANCE (relative) and QUEUE_TOLERANCE_ROWS (absolute). The first third is warm-up.
 * It also fails when the child's peak RSS (the kernel's high-water mark, not only the samples)
 * passes PEAK_RSS_MIB, the bound every overload of the all-in-one must keep.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStoreClients } from '@sightline/store/client-factory';
import { startChildSightline, scrapeMetric } from '../deploy/test/fuzz/child-sightline.ts';
import { loadRequest, sendWithRetry, type LoadSignal } from '../deploy/test/fuzz/load.ts';

const RSS_TOLERANCE = 0.15;
const PEAK_RSS_MIB = 1_200;
const QUEUE_TOLERANCE_ROWS = 2_000;
const SAMPLE_MS = 5_000;
const ITEMS_PER_REQUEST = 100;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'spans-per-second': { type: 'string', default: '2000' },
    'logs-per-second': { type: 'string', default: '1000' },
  },
});
const minutes = Number(values.minutes);
const rates: Record<LoadSignal, number> = {
  traces: Number(values['spans-per-second']),
  logs: Number(values['logs-per-second']),
};
if (!(minutes > 0) || !(rates.traces >= 0) || !(rates.logs >= 0)) {
  process.stderr.write('soak: --minutes, --spans-per-second and --logs-per-second take numbers\n');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-soak-'));
const child = await startChildSightline(dataDir);
const service = `soak-${Date.now()}`;
process.stdout.write(
  `soak: ${minutes} min, ${rates.traces} spans/s + ${rates.logs} logs/s, pid ${child.pid}, data ${dataDir}\n`,
);

interface Tally {
  sent: number;
  acked: number;
  refusedFinal: number;
  retries: number;
  inFlight: number;
  maxInFlight: number;
}
const tally: Record<LoadSignal, Tally> = {
  traces: { sent: 0, acked: 0, refusedFinal: 0, retries: 0, inFlight: 0, maxInFlight: 0 },
  logs: { sent: 0, acked: 0, refusedFinal: 0, retries: 0, inFlight: 0, maxInFlight: 0 },
};
const inFlight = new Set<Promise<void>>();
let requestNo = 0;

function fire(signal: LoadSignal): void {
  const t = tally[signal];
  const no = ++requestNo;
  t.sent += ITEMS_PER_REQUEST;
  t.inFlight++;
  t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
  const p = sendWithRetry(
    `${child.otlpUrl}/v1/${signal}`,
    loadRequest(signal, service, no, ITEMS_PER_REQUEST),
  ).then((r) => {
    t.inFlight--;
    t.retries += r.statuses.length - 1;
    if (r.status === 200) t.acked += ITEMS_PER_REQUEST;
    else t.refusedFinal += ITEMS_PER_REQUEST;
  });
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
}

// A fixed schedule (not "send when the last one returned"): the load stays steady even when the
// server slows down, which is what a soak must show. Requests due are computed from the elapsed
// time, so timer drift does not lower the rate.
const loadStart = Date.now();
const fired: Record<LoadSignal, number> = { traces: 0, logs: 0 };
const ticker = setInterval(() => {
  const elapsedS = (Date.now() - loadStart) / 1000;
  for (const s of ['traces', 'logs'] as const) {
    const due = Math.floor((elapsedS * rates[s]) / ITEMS_PER_REQUEST);
    for (; fired[s] < due; fired[s]++) fire(s);
  }
}, 20);

interface Sample {
  atS: number;
  rssMiB: number;
  queueRows: number;
  storedRows: number;
}
const samples: Sample[] = [];
const started = Date.now();
const end = started + minutes * 60_000;
while (Date.now() < end) {
  await new Promise((r) => setTimeout(r, Math.min(SAMPLE_MS, end - Date.now())));
  const s: Sample = {
    atS: Math.round((Date.now() - started) / 1000),
    rssMiB: child.rssBytes() / 2 ** 20,
    queueRows: await scrapeMetric(child.otlpUrl, 'sightline_ingest_queue_rows'),
    storedRows: await scrapeMetric(child.otlpUrl, 'sightline_ingest_rows_total'),
  };
  samples.push(s);
  process.stdout.write(
    `${String(s.atS).padStart(5)} s  rss ${s.rssMiB.toFixed(1).padStart(7)} MiB  queue ${String(s.queueRows).padStart(7)} rows  stored ${s.storedRows}\n`,
  );
}
clearInterval(ticker);
await Promise.all(inFlight);

const highWaterMiB = child.peakRssBytes() / 2 ** 20;
// A clean stop (SIGTERM drains), then this process opens the folder the child let go of.
child.process.kill('SIGTERM');
await child.exited;
const store = createStoreClients({ dataDir, database: 'sightline' });
const count = async (table: string): Promise<{ n: number; distinct: number }> => {
  const id =
    table === 'otel_traces'
      ? 'SpanId'
      : "concat(LogAttributes['load.req'], '/', LogAttributes['load.item'])";
  const rs = await store.reader.query({
    query: `SELECT count() AS n, uniqExact(${id}) AS distinct FROM sightline.${table} WHERE ServiceName = {service:String}`,
    query_params: { service },
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ n: string; distinct: string }>();
  return { n: Number(r?.n), distinct: Number(r?.distinct) };
};
const stored = { traces: await count('otel_traces'), logs: await count('otel_logs') };
await store.close();
rmSync(dataDir, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};
const third = Math.floor(samples.length / 3);
const middle = samples.slice(third, 2 * third);
const last = samples.slice(2 * third);
const rssMid = median(middle.map((s) => s.rssMiB));
const rssLast = median(last.map((s) => s.rssMiB));
const qMid = median(middle.map((s) => s.queueRows));
const qLast = median(last.map((s) => s.queueRows));
const peakRss = Math.max(...samples.map((s) => s.rssMiB));
const peakQueue = Math.max(...samples.map((s) => s.queueRows));

const failures: string[] = [];
for (const signal of ['traces', 'logs'] as const) {
  const t = tally[signal];
  const st = stored[signal];
  process.stdout.write(
    `${signal}: sent ${t.sent}, acknowledged ${t.acked}, refused after retries ${t.refusedFinal}, retried requests ${t.retries}, max in flight ${t.maxInFlight}, stored ${st.n} (${st.distinct} distinct)\n`,
  );
  if (st.distinct < t.acked)
    failures.push(`${signal}: ${t.acked - st.distinct} acknowledged items lost`);
  if (st.n !== st.distinct) failures.push(`${signal}: ${st.n - st.distinct} duplicates stored`);
  if (t.refusedFinal > 0)
    failures.push(`${signal}: ${t.refusedFinal} items refused even after retries`);
}
process.stdout.write(
  `RSS MiB: peak ${peakRss.toFixed(1)}, median 2nd third ${rssMid.toFixed(1)}, last third ${rssLast.toFixed(1)}\n` +
    `queue rows: peak ${peakQueue}, median 2nd third ${qMid}, last third ${qLast}\n` +
    `peak RSS (high-water mark) ${highWaterMiB.toFixed(1)} MiB, bound ${PEAK_RSS_MIB} MiB\n`,
);
if (highWaterMiB > PEAK_RSS_MIB)
  failures.push(`peak RSS ${highWaterMiB.toFixed(0)} MiB passed the bound of ${PEAK_RSS_MIB} MiB`);
if (samples.length >= 6) {
  if (rssLast > rssMid * (1 + RSS_TOLERANCE))
    failures.push(
      `RSS grew ${((rssLast / rssMid - 1) * 100).toFixed(1)}% (tolerance ${RSS_TOLERANCE * 100}%)`,
    );
  if (qLast > qMid + QUEUE_TOLERANCE_ROWS)
    failures.push(`queue depth grew by ${qLast - qMid} rows (tolerance ${QUEUE_TOLERANCE_ROWS})`);
}
if (failures.length > 0) {
  process.stdout.write(`SOAK FAILED:\n  ${failures.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write('soak passed: nothing lost, RSS and queue depth flat\n');
