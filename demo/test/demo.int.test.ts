import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CircuitBreakersResponse,
  ServiceDependenciesResponse,
} from '@sightline/model/api/dependencies';
import type { LogSearchResponse } from '@sightline/model/api/logs';
import type { MetricNamesResponse } from '@sightline/model/api/metrics';
import type {
  ServicesResponse,
  TraceResponse,
  TraceSearchResponse,
} from '@sightline/model/api/traces';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { isAlive, runDemo, type DemoRun } from './demo-run.ts';

/**
 * `npm run demo` for ~25 s against an in-process all-in-one, stopped with SIGINT as Ctrl-C
 * would: the store must then hold a realistic shop's worth of telemetry, and no process the
 * demo started may be left behind.
 */

const TRAFFIC_MS = 25_000;

let sightline: RunningSightline;
let output = '';
let exit: DemoRun['exit'];
let pids: number[] = [];

const api = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${sightline.apiUrl}/api/v1${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

beforeAll(async () => {
  sightline = await startTestSightline();
  ({ output, exit, pids } = await runDemo(
    {
      SIGHTLINE_OTLP_URL: sightline.otlpUrl,
      SIGHTLINE_API_URL: sightline.apiUrl,
      // Crash the cart early enough that a restart happens inside the test's window.
      SIGHTLINE_DEMO_CRASH_EVERY: '30',
      SIGHTLINE_DEMO_RATE: '3',
    },
    TRAFFIC_MS,
  ));
}, 200_000);

afterAll(async () => {
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await sightline?.close();
});

describe('npm run demo', () => {
  it('stops cleanly on SIGINT and leaves no process behind', () => {
    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('demo stopped');
    // The five services and the cart's restarts.
    expect(pids.length, output).toBeGreaterThanOrEqual(6);
    expect(output).toMatch(/cart restarted \(pid \d+\)/);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('fills the store with the shop’s services', async () => {
    const { services } = await api<ServicesResponse>('/services');
    expect(services).toEqual(
      expect.arrayContaining(['gateway', 'catalog', 'cart', 'checkout', 'payments']),
    );
  });

  it('records traces across services, with correct links, and failing ones', async () => {
    const { traces } = await api<TraceSearchResponse>('/traces?service=gateway&limit=500');
    const wide = traces.filter((t) => t.services.length >= 3);
    expect(wide.length).toBeGreaterThan(0);
    // A checkout goes gateway → checkout → cart and payments, in one trace.
    expect(traces.map((t) => t.services.join(' '))).toContain('cart checkout gateway payments');

    const trace = await api<TraceResponse>(`/traces/${wide[0]?.traceId}`);
    const ids = new Set(trace.spans.map((s) => s.spanId));
    const roots = trace.spans.filter((s) => s.parentSpanId === '');
    expect(roots.map((s) => s.serviceName)).toEqual(['gateway']);
    for (const span of trace.spans) {
      if (span.parentSpanId !== '') expect(ids.has(span.parentSpanId)).toBe(true);
    }

    const failing = await api<TraceSearchResponse>('/traces?status=error&limit=500');
    expect(failing.traces.length).toBeGreaterThan(0);
    expect(failing.traces.every((t) => t.errorCount > 0)).toBe(true);
  });

  it('stores log lines that carry trace ids', async () => {
    const placed = await api<LogSearchResponse>(
      `/logs?q=${encodeURIComponent('service:checkout "order placed"')}`,
    );
    expect(placed.rows.length).toBeGreaterThan(0);
    for (const row of placed.rows) expect(row.traceId).toMatch(/^[0-9a-f]{32}$/);

    const errors = await api<LogSearchResponse>(`/logs?q=${encodeURIComponent('level:error')}`);
    expect(errors.rows.length).toBeGreaterThan(0);
    expect(errors.rows.some((r) => r.traceId !== '')).toBe(true);
    // The cart's last words before each simulated crash were flushed too.
    const crashes = await api<LogSearchResponse>(
      `/logs?q=${encodeURIComponent('service:cart level:fatal')}`,
    );
    expect(crashes.rows.length).toBeGreaterThan(0);
  });

  it('stores the business metrics', async () => {
    const { metrics } = await api<MetricNamesResponse>('/metrics/names?prefix=shop.');
    expect(metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'shop.catalog.product_views',
        'shop.cart.items_added',
        'shop.orders.placed',
        'shop.order.value',
        'shop.payments.charged',
      ]),
    );
  });

  it('reports checkout’s breaker on payments, on the breaker grid and the Dependencies tab', async () => {
    const from = Date.now() - 10 * 60_000;
    const { breakers } = await api<CircuitBreakersResponse>(`/circuit-breakers?from=${from}`);
    const pay = breakers.find((b) => b.service === 'checkout' && b.name === 'payments-api');
    expect(pay, JSON.stringify(breakers)).toBeDefined();
    // No outage in this short run (the first starts after 150 s): its state reported, calls through.
    expect(pay?.state, JSON.stringify(pay)).not.toBeNull();
    expect(pay?.outcomes.success, JSON.stringify(pay)).toBeGreaterThan(0);
    const deps = await api<ServiceDependenciesResponse>(
      `/services/checkout/dependencies?from=${from}`,
    );
    expect(deps.dependencies.find((d) => d.kind === 'circuit_breaker')?.name).toBe('payments-api');
  });
});
