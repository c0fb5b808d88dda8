import { describe, expect, it } from 'vitest';
import { pooledConnection, type Connection } from './read-pool.ts';

/** A member whose queries stay in flight until the test settles them. */
function member(name: string) {
  const calls: { sql: string; settle: () => void }[] = [];
  const conn = {
    query: (p: { query: string }) =>
      new Promise((resolve) => {
        calls.push({ sql: p.query, settle: () => resolve({ query_id: name }) });
      }),
    close: () => Promise.resolve(),
  } as unknown as Connection;
  return { conn, calls };
}

const ask = (c: Connection, sql: string) =>
  c.query({ query: sql }) as unknown as Promise<{
    query_id: string;
  }>;

describe('pooledConnection', () => {
  it('sends a query to the member with the fewest in flight, so two run at once', async () => {
    const a = member('a');
    const b = member('b');
    const pool = pooledConnection([a.conn, b.conn]);
    const first = ask(pool, 'SELECT 1');
    const second = ask(pool, 'SELECT 2');
    expect(a.calls.map((c) => c.sql)).toEqual(['SELECT 1']);
    expect(b.calls.map((c) => c.sql)).toEqual(['SELECT 2']);
    b.calls[0]!.settle();
    expect((await second).query_id).toBe('b');
    // a is still busy, so the next query goes to b again
    const third = ask(pool, 'SELECT 3');
    expect(b.calls.map((c) => c.sql)).toEqual(['SELECT 2', 'SELECT 3']);
    a.calls[0]!.settle();
    b.calls[1]!.settle();
    expect((await first).query_id).toBe('a');
    expect((await third).query_id).toBe('b');
  });

  it('frees a member whose query failed', async () => {
    let fail = true;
    const a = {
      query: () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve({ query_id: 'a' })),
    } as unknown as Connection;
    const b = member('b');
    const pool = pooledConnection([a, b.conn]);
    await expect(ask(pool, 'SELECT 1')).rejects.toThrow('boom');
    fail = false;
    // both idle again: the first member is chosen
    expect((await ask(pool, 'SELECT 2')).query_id).toBe('a');
    expect(b.calls).toEqual([]);
  });

  it('refuses an empty pool', () => {
    expect(() => pooledConnection([])).toThrow(/at least one/);
  });
});
