import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchFieldError } from './errors.ts';
import { createSearchTables, type LogRow, type SearchTables, type SpanRow } from './test-tables.ts';

/**
 * Runs compiled searches against an embedded ClickHouse holding a handful of known rows and
 * checks exactly which rows come back. Rows sit on the edges the compiler has to get right:
 * a span of exactly 500 ms, a 1 ns span, an attribute only on the resource, logs with only a
 * SeverityText or only a SeverityNumber, LIKE metacharacters and non-ASCII text.
 */

const TRACE = '0af7651916cd43dd8448eb211c80319c';

const SPANS: SpanRow[] = [
  {
    SpanId: 's01',
    TraceId: TRACE,
    ServiceName: 'checkout',
    SpanName: 'POST /pay',
    SpanKind: 'Server',
    StatusCode: 'Error',
    StatusMessage: 'payment failed: card declined',
    Duration: 500_000_000,
    SpanAttributes: { 'http.status_code': '500', 'http.method': 'POST' },
    ResourceAttributes: { env: 'prod', 'service.name': 'checkout' },
  },
  {
    SpanId: 's02',
    ServiceName: 'checkout',
    SpanName: 'GET /cart',
    SpanKind: 'Server',
    StatusCode: 'Ok',
    Duration: 499_999_999,
    SpanAttributes: { 'http.status_code': '200' },
    ResourceAttributes: { env: 'dev' },
  },
  {
    SpanId: 's03',
    ServiceName: 'cart',
    SpanName: 'SELECT cart',
    SpanKind: 'Client',
    StatusCode: 'Unset',
    Duration: 1,
    SpanAttributes: { 'db.system': 'redis', 'http.status_code': '599' },
    ResourceAttributes: { env: 'prod' },
  },
  {
    SpanId: 's04',
    ServiceName: 'payment',
    SpanName: 'charge',
    SpanKind: 'Internal',
    StatusCode: 'Error',
    StatusMessage: 'Timeout contacting bank',
    Duration: 2_000_000_000,
    SpanAttributes: { 'http.status_code': '600', retry: '3' },
    ResourceAttributes: { env: 'prod', region: 'eu' },
  },
  {
    SpanId: 's05',
    ServiceName: 'payment',
    SpanName: 'refund 100%_done',
    SpanKind: 'Producer',
    StatusCode: 'Ok',
    Duration: 1_500_000,
    SpanAttributes: { 'odd key': 'x', path: 'C:\\temp\\x' },
    ResourceAttributes: { 'http.status_code': '404' },
  },
  {
    SpanId: 's06',
    ServiceName: 'frontend',
    SpanName: 'Ёжик GET',
    SpanKind: 'Consumer',
    StatusCode: 'Unset',
    Duration: 60_000_000_000,
    SpanAttributes: { region: 'us', empty: '', retry: 'many' },
  },
];

const LOGS: LogRow[] = [
  {
    SpanId: 'l01',
    ServiceName: 'checkout',
    SeverityText: 'ERROR',
    SeverityNumber: 17,
    Body: 'Payment failed for order 42',
    LogAttributes: { 'user.id': 'u1' },
    ResourceAttributes: { env: 'prod' },
  },
  {
    SpanId: 'l02',
    ServiceName: 'checkout',
    SeverityText: 'INFO',
    SeverityNumber: 9,
    Body: 'order created',
    ResourceAttributes: { env: 'dev' },
  },
  {
    SpanId: 'l03',
    ServiceName: 'cart',
    SeverityText: 'error',
    SeverityNumber: 0,
    Body: 'Cache miss: key=abc_def',
  },
  {
    SpanId: 'l04',
    ServiceName: 'cart',
    SeverityText: 'Warning',
    SeverityNumber: 0,
    Body: 'slow query 100% cpu',
  },
  {
    SpanId: 'l05',
    ServiceName: 'payment',
    SeverityText: '',
    SeverityNumber: 21,
    Body: 'PANIC: bank unreachable',
  },
  {
    SpanId: 'l06',
    ServiceName: 'frontend',
    SeverityText: 'WARN',
    SeverityNumber: 13,
    Body: 'Ёжик в тумане',
    LogAttributes: { 'http.status_code': '503' },
  },
  {
    SpanId: 'l07',
    ServiceName: 'frontend',
    SeverityText: 'notice',
    SeverityNumber: 0,
    Body: 'custom level',
  },
  {
    SpanId: 'l08',
    TraceId: TRACE,
    ServiceName: 'payment',
    SeverityText: '',
    SeverityNumber: 0,
    Body: '',
  },
];

let tables: SearchTables;

beforeAll(async () => {
  tables = await createSearchTables(SPANS, LOGS);
});

afterAll(async () => {
  await tables.close();
});

type Case = [query: string, expected: string[]];

function table(target: 'spans' | 'logs', cases: Case[]): void {
  it.each(cases)(`%s`, async (query, expected) => {
    expect(await tables.ids(query, target)).toEqual(expected);
  });
}

const ALL_SPANS = SPANS.map((s) => s.SpanId);

describe('spans: columns', () => {
  table('spans', [
    ['', ALL_SPANS],
    ['service:checkout', ['s01', 's02']],
    ['service:Checkout', []],
    ['service:check*', ['s01', 's02']],
    ['service:*OUT', ['s01', 's02']],
    ['service:(cart OR frontend)', ['s03', 's06']],
    ['name:"GET /cart"', ['s02']],
    ['operation:charge', ['s04']],
    ['status:error', ['s01', 's04']],
    ['status:OK', ['s02', 's05']],
    ['-status:error', ['s02', 's03', 's05', 's06']],
    ['kind:server', ['s01', 's02']],
    ['kind:SPAN_KIND_CLIENT', ['s03']],
    [`trace_id:${TRACE.toUpperCase()}`, ['s01']],
    ['exists:service', ALL_SPANS],
  ]);
});

describe('spans: duration (UInt64 nanoseconds)', () => {
  table('spans', [
    ['duration:>500ms', ['s04', 's06']],
    ['duration:>=500ms', ['s01', 's04', 's06']],
    ['duration:<500ms', ['s02', 's03', 's05']],
    ['duration:<=499999999ns', ['s02', 's03', 's05']],
    ['duration:>500', ['s04', 's06']],
    ['duration:>=0.5s', ['s01', 's04', 's06']],
    ['duration:[1.5ms TO 2s]', ['s01', 's02', 's04', 's05']],
    ['duration:{1.5ms TO 2s}', ['s01', 's02']],
    ['duration:[1.5ms TO 2s}', ['s01', 's02', 's05']],
    ['duration:[2s TO *]', ['s04', 's06']],
    ['duration:[1ns TO 1ns]', ['s03']],
    ['duration:>0.5ns', ALL_SPANS],
    ['duration:<1.5ns', ['s03']],
    ['duration:1500us', ['s05']],
    ['duration:1500µs', ['s05']],
    ['duration:1m', ['s06']],
    ['duration:>=1h', []],
    ['duration:(>1ms <1s)', ['s01', 's02', 's05']],
  ]);
});

describe('spans: free text and wildcards', () => {
  table('spans', [
    ['payment', ['s01']],
    ['TIMEOUT', ['s04']],
    ['"payment failed"', ['s01']],
    ['"failed payment"', []],
    ['ёжик', ['s06']],
    ['GET', ['s02', 's06']],
    ['100%', ['s05']],
    ['%', ['s05']],
    ['_', ['s05']],
    ['pay*declined', ['s01']],
    ['re*done', ['s05']],
    ['*', ALL_SPANS],
  ]);
});

describe('spans: attributes', () => {
  table('spans', [
    ['http.status_code:500', ['s01']],
    ['http.status_code:404', ['s05']],
    ['attr.http.status_code:404', []],
    ['resource.http.status_code:404', ['s05']],
    ['http.status_code:[500 TO 599]', ['s01', 's03']],
    ['http.status_code:{500 TO 599}', []],
    ['http.status_code:[500 TO 599}', ['s01']],
    ['http.status_code:{500 TO 599]', ['s03']],
    ['http.status_code:>=500', ['s01', 's03', 's04']],
    ['http.status_code:<300', ['s02']],
    ['http.status_code:[* TO *]', ['s01', 's02', 's03', 's04', 's05']],
    ['env:prod', ['s01', 's03', 's04']],
    ['-env:dev', ['s01', 's03', 's04', 's05', 's06']],
    ['NOT env:prod', ['s02', 's05', 's06']],
    ['region:eu', ['s04']],
    ['region:*', ['s04', 's06']],
    ['exists:region', ['s04', 's06']],
    ['exists:"odd key"', ['s05']],
    ['odd\\ key:x', ['s05']],
    ['empty:""', ['s06']],
    ['exists:empty', ['s06']],
    ['retry:>2', ['s04']],
    // A value that is not a number (s06) or no value at all must not turn NOT into NULL.
    ['NOT retry:>2', ['s01', 's02', 's03', 's05', 's06']],
    ['http.method:post', []],
    ['http.method:po*', ['s01']],
    ['service.name:checkout', ['s01']],
    ['path:C\\:\\\\temp\\\\x', ['s05']],
    ['path:"C:\\\\temp\\\\x"', ['s05']],
    ['path:c*\\\\X', ['s05']],
  ]);
});

describe('spans: boolean precedence', () => {
  table('spans', [
    ['status:error OR service:cart AND kind:client', ['s01', 's03', 's04']],
    ['(status:error OR service:cart) kind:client', ['s03']],
    ['NOT status:error OR service:payment', ['s02', 's03', 's04', 's05', 's06']],
    ['-status:error service:payment', ['s05']],
    ['status:error -service:checkout', ['s04']],
    ['status:error AND NOT (env:prod OR region:eu)', []],
    ['+service:payment -kind:internal', ['s05']],
    ['NOT NOT status:error', ['s01', 's04']],
  ]);
});

const ALL_LOGS = LOGS.map((l) => l.SpanId);

describe('logs: severity', () => {
  table('logs', [
    ['level:error', ['l01', 'l03']],
    ['level:ERR', ['l01', 'l03']],
    ['severity:warn', ['l04', 'l06']],
    ['level:fatal', ['l05']],
    ['level:17', ['l01']],
    ['level:notice', ['l07']],
    ['level:NOTICE', ['l07']],
    ['level:warn*', ['l04', 'l06']],
    ['level:>=warn', ['l01', 'l05', 'l06']],
    ['level:>warn', ['l01', 'l05']],
    ['level:<=info', ['l02']],
    ['level:[warn TO error]', ['l01', 'l06']],
    ['exists:level', ['l01', 'l02', 'l03', 'l04', 'l05', 'l06', 'l07']],
    ['-level:error', ['l02', 'l04', 'l05', 'l06', 'l07', 'l08']],
  ]);
});

describe('logs: body, free text and attributes', () => {
  table('logs', [
    ['', ALL_LOGS],
    ['payment', ['l01']],
    ['PANIC', ['l05']],
    ['ёжик', ['l06']],
    ['"в тумане"', ['l06']],
    ['100%', ['l04']],
    ['_', ['l03']],
    ['key=abc', ['l03']],
    ['"miss: key"', ['l03']],
    ['body:order', ['l01', 'l02']],
    ['message:"order created"', ['l02']],
    ['body:ord*42', ['l01']],
    ['exists:body', ['l01', 'l02', 'l03', 'l04', 'l05', 'l06', 'l07']],
    ['user.id:u1', ['l01']],
    ['http.status_code:>=500', ['l06']],
    ['env:prod', ['l01']],
    [`trace_id:${TRACE}`, ['l08']],
    ['service:cart (miss OR slow)', ['l03', 'l04']],
    ['service:cart miss OR slow', ['l03', 'l04']],
    ['service:checkout miss OR slow', ['l04']],
  ]);

  it('rejects span-only fields with a typed error before anything runs', async () => {
    await expect(tables.ids('duration:>1s', 'logs')).rejects.toBeInstanceOf(SearchFieldError);
  });
});
