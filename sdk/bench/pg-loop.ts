/**
 * A loop of PostgreSQL queries, timed one by one, for pg-overhead.bench.ts:
 *
 *   node --import tsx [--import @sightline/sdk/register] sdk/bench/pg-loop.ts
 *
 * Environment: PG_PORT, QUERIES, QUERY (`tiny`: SELECT $1::int; `sum`: a sum over 10,000 generated
 * rows, about a millisecond of server work). Prints one JSON line: the median, p99 and mean per query in µs.
 */
import pg from 'pg';

const QUERIES = Number(process.env.QUERIES ?? 3000);
const client = new pg.Client({
  host: '127.0.0.1',
  port: Number(process.env.PG_PORT),
  user: 'sightline',
  database: 'sightline',
});
await client.connect();
// `tiny` is the cheapest round trip there is: the largest share the instrumentation can take.
const text =
  process.env.QUERY === 'sum'
    ? 'SELECT sum(x) FROM generate_series(1, $1::int) AS x'
    : 'SELECT $1::int AS n';
const query = () => client.query(text, [process.env.QUERY === 'sum' ? 10_000 : 1]);
for (let i = 0; i < 500; i++) await query();
const us: number[] = [];
for (let i = 0; i < QUERIES; i++) {
  const start = process.hrtime.bigint();
  await query();
  us.push(Number(process.hrtime.bigint() - start) / 1000);
}
await client.end();
us.sort((a, b) => a - b);
const at = (q: number): number => us[Math.min(us.length - 1, Math.floor(q * us.length))] ?? NaN;
// shimmer marks what an instrumentation wrapped: a variant whose pg went unpatched measures nothing.
const patched: unknown = Object.getOwnPropertyDescriptor(pg.Client.prototype, 'query')?.value;
const instrumented = typeof patched === 'function' && '__wrapped' in patched;
process.stdout.write(
  `${JSON.stringify({ medianUs: at(0.5), p99Us: at(0.99), meanUs: us.reduce((a, b) => a + b, 0) / us.length, instrumented })}\n`,
);
