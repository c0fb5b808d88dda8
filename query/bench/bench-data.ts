/**
 * The query bench's workload: a seeded generator of span and log rows shaped like a small
 * e-commerce system (frontend, checkout, payment, …), each trace with its client spans and one log
 * per span. The same seed stores the same data on every run.
 */
import type { Attributes, LogRow, SpanRow } from '@sightline/model/rows';

export const HOUR_MS = 3_600_000;
/** The word the log search looks for; about 2 logs in 100,000 carry it. */
export const RARE_WORD = 'deadlock';
export const BIG_TRACE_SPANS = 1501;

/** mulberry32: seeded, so every run stores the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hex32 = () => (Math.floor(rand() * 4294967296) >>> 0).toString(16).padStart(8, '0');
const traceId = () => hex32() + hex32() + hex32() + hex32();
const spanId = () => hex32() + hex32();
/** Log-normal around `medianMs` with a long tail: 1% of calls are 5–50× slower. */
function durationUs(medianMs: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const slow = rand() < 0.01 ? 5 + rand() * 45 : 1;
  return Math.max(20, Math.round(medianMs * 1000 * Math.exp(0.6 * z) * slow));
}

interface Op {
  readonly service: string;
  readonly name: string;
  readonly kind: 'Server' | 'Consumer' | 'Internal';
  readonly medianMs: number;
  readonly errorRate: number;
  /** Operations called in turn, each through a client span of this service. */
  readonly calls: readonly string[];
  /** A database statement run before the calls, if any. */
  readonly db: string | undefined;
}
type OpSpec = [string, string, string, Op['kind'], number, number, string[], string?];
// prettier-ignore
const OP_TABLE: readonly OpSpec[] = [
  ['home', 'frontend', 'GET /', 'Server', 8, 0.002, ['listProducts', 'ads']],
  ['product', 'frontend', 'GET /product/{id}', 'Server', 6, 0.003, ['getProduct', 'recommend', 'ads']],
  ['addCart', 'frontend', 'POST /cart', 'Server', 4, 0.004, ['addItem']],
  ['checkout', 'frontend', 'POST /checkout', 'Server', 10, 0.005, ['placeOrder']],
  ['placeOrder', 'checkout', 'PlaceOrder', 'Server', 15, 0.01,
    ['getCart', 'getProduct', 'convert', 'charge', 'ship', 'email'], 'INSERT INTO orders'],
  ['getProduct', 'product-catalog', 'GetProduct', 'Server', 3, 0.001, [], 'SELECT products'],
  ['listProducts', 'product-catalog', 'ListProducts', 'Server', 7, 0.001, [], 'SELECT products'],
  ['recommend', 'recommendation', 'ListRecommendations', 'Server', 12, 0.004, ['listProducts']],
  ['ads', 'ad', 'GetAds', 'Server', 4, 0.002, []],
  ['addItem', 'cart', 'AddItem', 'Server', 2, 0.002, [], 'HSET cart'],
  ['getCart', 'cart', 'GetCart', 'Server', 2, 0.002, [], 'HGETALL cart'],
  ['convert', 'currency', 'Convert', 'Server', 1, 0.001, []],
  ['charge', 'payment', 'Charge', 'Server', 40, 0.03, ['score']],
  ['score', 'fraud-detection', 'Score', 'Server', 9, 0.002, []],
  ['ship', 'shipping', 'ShipOrder', 'Server', 8, 0.005, ['quote']],
  ['quote', 'quote', 'GetQuote', 'Server', 3, 0.001, []],
  ['email', 'email', 'SendConfirmation', 'Server', 25, 0.01, []],
  ['orderEvent', 'order-worker', 'orders process', 'Consumer', 5, 0.004, ['reserve']],
  ['reserve', 'inventory', 'Reserve', 'Server', 4, 0.003, [], 'UPDATE stock'],
  ['stock', 'inventory', 'GetStock', 'Server', 1, 0.001, []],
  // A batch job: no Server or Consumer spans, so RED measures it on all its spans.
  ['report', 'report-generator', 'nightly-report', 'Internal', 30, 0.01, ['stock', 'stock']],
];
const OPS: Record<string, Op> = Object.fromEntries(
  OP_TABLE.map(([key, service, name, kind, medianMs, errorRate, calls, db]) => [
    key,
    { service, name, kind, medianMs, errorRate, calls, db },
  ]),
);
const ROOTS: readonly [string, number][] = [
  ['product', 0.45],
  ['home', 0.1],
  ['addCart', 0.2],
  ['checkout', 0.1],
  ['orderEvent', 0.1499],
  ['report', 0.0001],
];

const resources = new Map<string, Attributes[]>();
function resource(service: string): Attributes {
  let hosts = resources.get(service);
  if (!hosts) {
    hosts = Array.from({ length: 4 }, (_, i) => ({
      'service.name': service,
      'service.version': '1.4.2',
      'host.name': `${service}-${i}`,
      'deployment.environment': 'production',
      'telemetry.sdk.language': 'nodejs',
    }));
    resources.set(service, hosts);
  }
  return pick(hosts);
}

const WORDS = ['request', 'handled', 'cache', 'user', 'session', 'order', 'item', 'queue', 'retry'];
const TIERS = ['free', 'free', 'free', 'pro', 'pro', 'enterprise'];

/** Builds rows into `spans`/`logs`; times are whole microseconds (exact in a double). */
export class Workload {
  readonly spans: SpanRow[] = [];
  readonly logs: LogRow[] = [];
  /** Every 1000th trace id, for trace-by-id lookups. */
  readonly sampleIds: string[] = [];
  private traces = 0;

  constructor(private readonly endUs: number) {}

  trace(rootKey: string, startUs: number, fanOut = 0): string {
    const id = traceId();
    if (++this.traces % 1000 === 0 && this.sampleIds.length < 500) this.sampleIds.push(id);
    const calls = fanOut > 0 ? Array.from({ length: fanOut }, () => 'stock') : undefined;
    this.server(OPS[rootKey]!, id, '', startUs, calls);
    return id;
  }

  /** One server/consumer span, its client calls (each with the callee's span) and its logs. */
  private server(
    o: Op,
    tid: string,
    parent: string,
    startUs: number,
    calls = o.calls,
  ): {
    endUs: number;
    error: boolean;
  } {
    const sid = spanId();
    const res = resource(o.service);
    let t = startUs + 50 + Math.floor(rand() * 200);
    let childError = false;
    if (o.db !== undefined) t = this.client(tid, sid, o.service, res, o.db, t, null).endUs;
    for (const key of calls) {
      const r = this.client(tid, sid, o.service, res, key, t, OPS[key]!);
      t = r.endUs;
      childError ||= r.error;
    }
    const endUs = t + durationUs(o.medianMs);
    const error = rand() < o.errorRate || (childError && rand() < 0.6);
    const status = error ? '500' : rand() < 0.02 ? '404' : '200';
    const attrs: Attributes = { 'http.status_code': status, 'customer.tier': pick(TIERS) };
    if (o.kind === 'Server') {
      attrs['http.method'] = o.name.startsWith('POST') ? 'POST' : 'GET';
      attrs['http.route'] = o.name;
    }
    if (rand() < 0.001) attrs['customer.tier'] = 'platinum';
    if (rand() < 0.0005) attrs['feature.flag'] = 'checkout-v2-beta';
    this.span(tid, sid, parent, o.name, o.kind, o.service, res, attrs, startUs, endUs, error);
    const ms = ((endUs - startUs) / 1000).toFixed(1);
    const body = error
      ? `${o.name} failed after ${ms} ms: ${pick(['upstream returned 503', 'connection reset by peer', 'card declined', 'timeout waiting for lock'])}`
      : `${o.name} ${pick(WORDS)} ${pick(WORDS)} completed in ${ms} ms`;
    this.log(tid, sid, o.service, res, endUs, error ? 17 : rand() < 0.15 ? 5 : 9, body);
    return { endUs, error };
  }

  /** A client span of `service` calling `callee` (or a database when callee is null). */
  private client(
    tid: string,
    parent: string,
    service: string,
    res: Attributes,
    target: string,
    startUs: number,
    callee: Op | null,
  ): { endUs: number; error: boolean } {
    const sid = spanId();
    let endUs: number;
    let error = false;
    let attrs: Attributes;
    if (callee) {
      const r = this.server(callee, tid, sid, startUs + 100 + Math.floor(rand() * 300));
      endUs = r.endUs + 100 + Math.floor(rand() * 300);
      error = r.error;
      attrs = {
        'rpc.service': callee.service,
        'rpc.method': callee.name,
        'http.status_code': error ? '500' : '200',
      };
    } else {
      endUs = startUs + durationUs(1.5);
      attrs = { 'db.system': 'postgresql', 'db.statement': target };
    }
    const name = callee ? `${callee.service}/${callee.name}` : target;
    this.span(tid, sid, parent, name, 'Client', service, res, attrs, startUs, endUs, error);
    const ms = ((endUs - startUs) / 1000).toFixed(1);
    this.log(tid, sid, service, res, startUs, callee ? 9 : 5, `calling ${name} took ${ms} ms`);
    return { endUs, error };
  }

  private span(
    tid: string,
    sid: string,
    parent: string,
    name: string,
    kind: string,
    service: string,
    res: Attributes,
    attrs: Attributes,
    startUs: number,
    endUs: number,
    error: boolean,
  ): void {
    this.spans.push({
      Timestamp: `${startUs}000`,
      TraceId: tid,
      SpanId: sid,
      ParentSpanId: parent,
      TraceState: '',
      SpanName: name,
      SpanKind: kind,
      ServiceName: service,
      ResourceAttributes: res,
      ScopeName: '@opentelemetry/instrumentation-http',
      ScopeVersion: '0.52.1',
      SpanAttributes: attrs,
      Duration: `${endUs - startUs}000`,
      StatusCode: error ? 'Error' : 'Unset',
      StatusMessage: error ? 'internal error' : '',
      'Events.Timestamp': [],
      'Events.Name': [],
      'Events.Attributes': [],
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    });
  }

  /** One log per server span; one in ten is replaced by a background log without a trace. */
  private log(
    tid: string,
    sid: string,
    service: string,
    res: Attributes,
    atUs: number,
    severity: number,
    body: string,
  ): void {
    const background = rand() < 0.1;
    let text = background
      ? pick([
          `cache refresh finished, ${Math.floor(rand() * 5000)} keys`,
          `connection pool active=${Math.floor(rand() * 20)} idle=${Math.floor(rand() * 10)}`,
          `gc pause ${(rand() * 30).toFixed(1)} ms`,
          'health check ok',
        ])
      : body;
    // Rare words: the searched one, plus a few that only appear now and then.
    const r = rand();
    if (r < 0.00002)
      text = `${RARE_WORD} detected on ${pick(['orders', 'stock', 'carts'])} table, transaction rolled back`;
    else if (r < 0.0002) text += ` (${pick(['sharding', 'failover', 'throttled', 'quarantined'])})`;
    this.logs.push({
      Timestamp: `${Math.min(atUs, this.endUs)}000`,
      TraceId: background ? '' : tid,
      SpanId: background ? '' : sid,
      TraceFlags: background ? 0 : 1,
      SeverityText: severity >= 17 ? 'ERROR' : severity >= 9 ? 'INFO' : 'DEBUG',
      SeverityNumber: severity,
      ServiceName: service,
      Body: text,
      ResourceSchemaUrl: '',
      ResourceAttributes: res,
      ScopeSchemaUrl: '',
      ScopeName: 'pino',
      ScopeVersion: '9.5.0',
      ScopeAttributes: {},
      LogAttributes: { 'thread.id': String(Math.floor(rand() * 16)) },
      EventName: '',
    });
  }

  /** Traces until at least `spans` spans are buffered, starting anywhere in the last 24 h. */
  fill(spans: number): void {
    while (this.spans.length < spans) {
      let r = rand();
      let root = ROOTS[0]![0];
      for (const [key, weight] of ROOTS)
        if ((r -= weight) < 0) {
          root = key;
          break;
        }
      this.trace(root, this.endUs - 5_000_000 - Math.floor(rand() * 24 * HOUR_MS * 1000));
    }
  }

  take(): { spans: SpanRow[]; logs: LogRow[] } {
    return { spans: this.spans.splice(0), logs: this.logs.splice(0) };
  }
}
