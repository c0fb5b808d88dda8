import { describe, expect, it } from 'vitest';
import { emptyBatch, type LogRow, type RowBatch } from '@sightline/model/rows';
import { SightlineError } from '@sightline/model/errors';
import { batchPolicy } from './batch-policy.ts';
import { GroupCommitWriter, type GroupCommitOptions } from './group-commit.ts';

const log = (body: string): LogRow => ({ Body: body }) as LogRow; // only the row count and identity matter to the writer

function batchOf(...bodies: string[]): RowBatch {
  const b = emptyBatch();
  b.logs.push(...bodies.map(log));
  return b;
}

function harness(overrides: Partial<GroupCommitOptions> = {}) {
  const inserts: { kind: string; bodies: string[]; token: string }[] = [];
  let gate: (() => void) | null = null;
  let fail = 0;
  let failKind: string | null = null;
  const writer = new GroupCommitWriter({
    insert: async (kind, rows, token) => {
      if (gate === null) {
        await new Promise<void>((r) => (gate = r));
        gate = null;
      }
      if (fail > 0 && (failKind === null || failKind === kind)) {
        fail--;
        inserts.push({ kind, bodies: [], token });
        throw new Error('store down');
      }
      inserts.push({ kind, bodies: (rows as LogRow[]).map((l) => l.Body), token });
    },
    batch: batchPolicy({ maxRows: 100 }),
    maxQueuedRows: 1000,
    insertAttempts: 1,
    retryBackoffMs: 1,
    unavailableMs: 50,
    ...overrides,
  });
  const tick = () => new Promise((r) => setTimeout(r, 5));
  return {
    writer,
    inserts,
    failNext: (n: number, kind: string | null = null) => {
      fail = n;
      failKind = kind;
    },
    /** Lets the insert that is waiting finish. */
    release: async () => {
      while (!gate) await tick();
      gate();
      await tick();
    },
    tick,
  };
}

describe('GroupCommitWriter', () => {
  it('stores requests that arrive during an insert together in the next insert', async () => {
    const h = harness();
    const first = h.writer.submit(batchOf('a'));
    await h.tick();
    const later = [h.writer.submit(batchOf('b')), h.writer.submit(batchOf('c', 'd'))];
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await h.tick();
    expect(firstDone).toBe(false); // acknowledged only once stored
    await h.release();
    await first;
    await h.release();
    await Promise.all(later);
    expect(h.inserts.map((i) => i.bodies)).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('caps rows per insert', async () => {
    const h = harness({ batch: batchPolicy({ maxRows: 2 }) });
    const ps = ['a', 'b', 'c', 'd', 'e'].map((x) => h.writer.submit(batchOf(x)));
    for (let i = 0; i < 3; i++) await h.release();
    await Promise.all(ps);
    // The first request goes alone (the store was idle); the rest queue behind it, two by two.
    expect(h.inserts.map((i) => i.bodies)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('refuses with 429 when the queue is full, and accepts again once it drains', async () => {
    const h = harness({ maxQueuedRows: 3 });
    const ok = h.writer.submit(batchOf('a', 'b', 'c'));
    const refused = h.writer.submit(batchOf('d'));
    await expect(refused).rejects.toMatchObject({ statusCode: 429, code: 'SL_ERR_QUEUE_FULL' });
    await h.release();
    await ok;
    const again = h.writer.submit(batchOf('d'));
    await h.release();
    await again;
    expect(h.writer.stats.refusedRequests).toBe(1);
  });

  it('retries a failed insert with the same token, then answers 503 with Retry-After', async () => {
    const h = harness({ insertAttempts: 2 });
    h.failNext(2);
    const p = h.writer.submit(batchOf('a'));
    const settled = p.catch((e: unknown) => e);
    await h.release();
    await h.release();
    const err = (await settled) as SightlineError;
    expect(err).toBeInstanceOf(SightlineError);
    expect(err.statusCode).toBe(503);
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(h.inserts).toHaveLength(2);
    expect(h.inserts[0]!.token).toBe(h.inserts[1]!.token);
    // While unavailable, new requests are refused at once…
    await expect(h.writer.submit(batchOf('b'))).rejects.toMatchObject({ statusCode: 503 });
    // …and after the pause they are stored again.
    await new Promise((r) => setTimeout(r, 60));
    const ok = h.writer.submit(batchOf('c'));
    await h.release();
    await ok;
    expect(h.inserts.at(-1)!.bodies).toEqual(['c']);
  });

  it('drain stores what was accepted and refuses what comes after', async () => {
    const h = harness();
    const p = h.writer.submit(batchOf('a'));
    const drained = h.writer.drain();
    await expect(h.writer.submit(batchOf('b'))).rejects.toMatchObject({ statusCode: 503 });
    await h.release();
    await p;
    await drained;
    expect(h.inserts.map((i) => i.bodies)).toEqual([['a']]);
  });

  it('does not store a table twice when another table of the same request failed', async () => {
    const h = harness();
    const request = (): RowBatch => {
      // A metrics export lands in several tables; Body stands in for the row content here.
      const b = emptyBatch();
      b.gauge.push({ Body: 'g1' } as unknown as RowBatch['gauge'][number]);
      b.sum.push({ Body: 's1' } as unknown as RowBatch['sum'][number]);
      return b;
    };
    h.failNext(1, 'sum');
    const first = h.writer.submit(request()).catch((e: unknown) => e);
    await h.release(); // gauge stored
    await h.release(); // sum fails
    expect(await first).toMatchObject({ statusCode: 503 });
    await new Promise((r) => setTimeout(r, 60));
    // The client retries the same data: only the table that failed is written again.
    const retry = h.writer.submit(request());
    await h.release();
    await retry;
    expect(h.inserts.map((i) => [i.kind, i.bodies])).toEqual([
      ['gauge', ['g1']],
      ['sum', []],
      ['sum', ['s1']],
    ]);
  });
});

describe('GroupCommitWriter with data the store refuses', () => {
  // A store that refuses any batch holding a row whose body is 'bad', as ClickHouse refuses rows
  // it cannot parse (code 25); every other batch is stored.
  function refusingStore() {
    const stored: string[] = [];
    const writer = new GroupCommitWriter({
      insert: async (_kind, rows) => {
        await new Promise((r) => setTimeout(r, 5));
        const bodies = (rows as LogRow[]).map((l) => l.Body);
        if (bodies.includes('bad'))
          throw Object.assign(new Error('Cannot parse escape sequence\nmore'), { code: '25' });
        stored.push(...bodies);
      },
      batch: batchPolicy({ maxRows: 100, lingerMs: 20 }),
      maxQueuedRows: 1000,
      insertAttempts: 3,
      retryBackoffMs: 1,
      unavailableMs: 60_000,
      isDataError: (err) => (err as { code?: string }).code === '25',
    });
    return { writer, stored };
  }

  it('stores the other requests of the batch and refuses only the bad one with 400', async () => {
    const { writer, stored } = refusingStore();
    const results = await Promise.allSettled([
      writer.submit(batchOf('a1', 'a2')),
      writer.submit(batchOf('x', 'bad')),
      writer.submit(batchOf('b1')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refusal = (results[1] as PromiseRejectedResult).reason as SightlineError;
    expect(refusal.statusCode).toBe(400);
    expect(refusal.message).toBe('the store refused this data: Cannot parse escape sequence');
    expect(stored.sort()).toEqual(['a1', 'a2', 'b1']);
    // Refused data says nothing about the store's health: the next request is taken at once.
    await expect(writer.submit(batchOf('c1'))).resolves.toBeUndefined();
    expect(stored).toContain('c1');
    expect(writer.stats.queuedRows).toBe(0);
  });
});
