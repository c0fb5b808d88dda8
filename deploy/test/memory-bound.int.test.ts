import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildSightline, type ChildSightline } from './fuzz/child-sightline.ts';

// Memory is bounded by the receive budget, not by the number of clients: 96 clients sending
// 3.5 MB bodies of a few rows each get 429s before their bodies are read, and the all-in-one's
// peak RSS stays under 1 GiB. Every acknowledged request is stored.

const CLIENTS = 96;
const ROUNDS = 3;
const BODY_BYTES = 3_500_000;
let child: ChildSightline | undefined;

afterAll(() => {
  child?.process.kill('SIGKILL');
});

/** One log record whose body is a few MB: large on the wire, a single row in the store. */
function bigLogs(service: string, no: number): string {
  const filler = 'x'.repeat(BODY_BYTES);
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: `${Date.now()}000000`,
                severityText: 'INFO',
                body: { stringValue: `request ${no} ${filler}` },
                attributes: [{ key: 'request.no', value: { intValue: String(no) } }],
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('memory under many large requests', () => {
  it('stays under 1 GiB, refusing with 429 + Retry-After what does not fit, storing what was acknowledged', async () => {
    child = await startChildSightline(mkdtempSync(join(tmpdir(), 'sightline-memory-')), {
      SIGHTLINE_MAX_BODY_BYTES: String(4 * 2 ** 20),
    });
    const service = 'memory-bound';
    const statuses: number[] = [];
    const retryAfter: string[] = [];
    const acked: number[] = [];
    let no = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: CLIENTS }, async () => {
          const n = ++no;
          const res = await fetch(`${child!.otlpUrl}/v1/logs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: bigLogs(service, n),
          });
          await res.arrayBuffer();
          statuses.push(res.status);
          if (res.status === 200) acked.push(n);
          if (res.status === 429) retryAfter.push(res.headers.get('retry-after') ?? '');
        }),
      );
    }
    const peakMiB = child.peakRssBytes() / 2 ** 20;
    console.log(
      `memory-bound: peak RSS ${peakMiB.toFixed(0)} MiB; ${acked.length} acknowledged, ${retryAfter.length} refused of ${statuses.length}`,
    );
    expect(new Set(statuses)).toEqual(new Set([200, 429]));
    expect(retryAfter.every((r) => Number(r) >= 1)).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
    expect(peakMiB).toBeLessThan(1024);

    // Every acknowledged request is stored once.
    const q = encodeURIComponent(`service:${service}`);
    const from = Date.now() - 3_600_000;
    const res = await fetch(`${child.apiUrl}/api/v1/logs?q=${q}&from=${from}&limit=1000`);
    const body = (await res.json()) as { rows: { attributes: Record<string, string> }[] };
    const stored = body.rows.map((l) => Number(l.attributes['request.no'])).sort((a, b) => a - b);
    expect(stored).toEqual([...acked].sort((a, b) => a - b));
  }, 300_000);
});
