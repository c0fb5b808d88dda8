import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { nowNanos, startTestSightline } from './harness.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

const scrape = async (url: string): Promise<string> => {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};

/** The value of one sample line, e.g. `name{a="b"} 3`. */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('self-metrics at GET /metrics', () => {
  it('counts OTLP requests by status, items by outcome, and rows stored', async () => {
    const span = (spanId: string) => ({
      traceId: 'f'.repeat(32),
      spanId,
      name: 'op',
      startTimeUnixNano: nowNanos(-1),
      endTimeUnixNano: nowNanos(),
    });
    const post = (body: string) =>
      fetch(`${s.otlpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const ok = await post(
      JSON.stringify({
        resourceSpans: [
          { scopeSpans: [{ spans: [span('1'.repeat(16)), span('2'.repeat(16)), span('bad')] }] },
        ],
      }),
    );
    expect(ok.status).toBe(200);
    expect((await post('{nope')).status).toBe(400);

    for (const url of [s.otlpUrl, s.apiUrl]) {
      const text = await scrape(url);
      expect(sample(text, 'sightline_otlp_requests_total{signal="traces",status="200"}')).toBe(1);
      expect(sample(text, 'sightline_otlp_requests_total{signal="traces",status="400"}')).toBe(1);
      expect(sample(text, 'sightline_otlp_items_total{signal="traces",outcome="accepted"}')).toBe(
        2,
      );
      expect(sample(text, 'sightline_otlp_items_total{signal="traces",outcome="rejected"}')).toBe(
        1,
      );
      expect(sample(text, 'sightline_ingest_rows_total')).toBe(2);
      expect(sample(text, 'sightline_ingest_queue_rows')).toBe(0);
      expect(text).toContain('sightline_process_resident_memory_bytes');
    }
  });
});
