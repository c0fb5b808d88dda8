import type { ClickHouseClient } from '@clickhouse/client';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { StoreClients } from '@sightline/store/client-factory';
import { afterEach, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../plugins/errors.ts';
import { logTailStats } from '../sql/logs-tail.ts';
import { logRoutes, type TailSettings } from './logs.ts';

/**
 * The live tail's stream handling against a stand-in store that answers every query with no
 * rows (the rows themselves are covered by query/test/logs.int.test.ts): heartbeats, the end of
 * polling when the client leaves, and closing the server with streams open.
 */

function fakeStore(failFrom = Infinity): { store: StoreClients; queries: () => number } {
  let queries = 0;
  const reader = {
    query: () => {
      queries++;
      if (queries >= failFrom) return Promise.reject(new Error('store unreachable'));
      return Promise.resolve({ json: () => Promise.resolve([]) });
    },
  } as unknown as ClickHouseClient;
  const store = { kind: 'embedded', reader, writer: reader, database: 'sightline' };
  return { store: store as unknown as StoreClients, queries: () => queries };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startApp(tail: Partial<TailSettings>, failFrom?: number) {
  const { store, queries } = fakeStore(failFrom);
  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  registerErrorHandling(app);
  await app.register(logRoutes, { store, tail });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, queries, url: `http://127.0.0.1:${port}/logs/tail` };
}

/** Everything the stream sends, as text, until `until` holds. */
async function readUntil(
  body: ReadableStream<Uint8Array>,
  until: (text: string) => boolean,
): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

const apps: Awaited<ReturnType<typeof startApp>>['app'][] = [];
afterEach(async () => {
  // fetch opens a spare connection after an abort; it would hold close() until it idles out.
  for (const app of apps) app.server.closeAllConnections();
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe('GET /logs/tail stream', () => {
  it('sends ready, heartbeat comments, and stops polling once the client disconnects', async () => {
    const { app, queries, url } = await startApp({ pollMs: 20, heartbeatMs: 40 });
    apps.push(app);
    const abort = new AbortController();
    const res = await fetch(url, { signal: abort.signal });
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    const text = await readUntil(res.body!, (t) => t.split(': heartbeat\n\n').length > 3);
    expect(text.startsWith('event: ready\ndata: {"pollMs":20,"lookbackMs":30000}\n\n')).toBe(true);
    expect(logTailStats().open).toBe(1);
    expect(queries()).toBeGreaterThan(2); // priming, then a poll every 20 ms

    abort.abort();
    const deadline = Date.now() + 2000;
    while (logTailStats().open > 0 && Date.now() < deadline) await sleep(10);
    expect(logTailStats().open).toBe(0);
    const after = queries();
    await sleep(200);
    expect(queries()).toBe(after);
  });

  it('ends open streams when the server closes, instead of waiting for the clients', async () => {
    const { app, url } = await startApp({ pollMs: 20 });
    const res = await fetch(url);
    await readUntil(res.body!, (t) => t.includes('event: ready'));
    const closed = await Promise.race([app.close().then(() => 'closed'), sleep(3000)]);
    expect(closed).toBe('closed');
    expect(logTailStats().open).toBe(0);
    expect(await readUntil(res.body!, () => false)).toBe('');
  });

  it('sends an error event and ends the stream when a poll fails', async () => {
    const { app, queries, url } = await startApp({ pollMs: 20 }, 3);
    apps.push(app);
    const res = await fetch(url);
    const text = await readUntil(res.body!, () => false);
    expect(text).toBe(
      'event: ready\ndata: {"pollMs":20,"lookbackMs":30000}\n\n' +
        'event: error\ndata: {"code":"SL_ERR_INTERNAL","message":"the tail query failed; see the server log"}\n\n',
    );
    expect(queries()).toBe(3);
    expect(logTailStats().open).toBe(0);
  });

  it('refuses tails beyond the limit with 503 and Retry-After', async () => {
    const { app, url } = await startApp({ maxTails: 1 });
    apps.push(app);
    const abort = new AbortController();
    const first = await fetch(url, { signal: abort.signal });
    expect(first.status).toBe(200);
    const second = await fetch(url);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('5');
    expect(await second.json()).toMatchObject({ error: { code: 'SL_ERR_TOO_MANY_TAILS' } });
    abort.abort();
  });
});
