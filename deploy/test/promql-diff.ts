import { evaluateInstant, evaluateRange } from '@sightline/query/promql/evaluate';
import { PromQLError } from '@sightline/query/promql/errors';
import type { RunningSightline } from '../src/all-in-one.ts';
import { parseValue } from './prom-samples.ts';
import type { PromQLCase } from './promql-cases.ts';

/** Two PromQL answers (Prometheus's and Sightline's) compared as the comparison tests need. */

export interface Answer {
  resultType?: string;
  result?: unknown;
  errorType?: string;
  error?: string;
}

export type Sample = [number, string];
export interface Series {
  metric: Record<string, string>;
  value?: Sample;
  values?: Sample[];
}

const labelKey = (m: Record<string, string>): string =>
  JSON.stringify(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)));

const same = (a: string, b: string): boolean => {
  const x = parseValue(a);
  const y = parseValue(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  return Math.abs(x - y) <= Math.max(Math.abs(x), Math.abs(y)) * 1e-3;
};

const samplesDiffer = (a: Sample[], b: Sample[]): boolean =>
  a.length !== b.length || a.some(([t, v], i) => b[i]![0] !== t || !same(v, b[i]![1]));

/** What differs between two answers, one line per series; '' when they agree. */
export function difference(
  c: Pick<PromQLCase, 'error' | 'ordered'>,
  want: Answer,
  got: Answer,
): string {
  if (want.errorType || got.errorType) {
    if (c.error && want.errorType === c.error && got.errorType === c.error) return '';
    return `errors: prometheus ${want.errorType ?? '-'} ${want.error ?? ''}; sightline ${got.errorType ?? '-'} ${got.error ?? ''}`;
  }
  if (c.error) return `expected both to answer ${c.error}`;
  if (want.resultType !== got.resultType)
    return `result types: prometheus ${want.resultType}, sightline ${got.resultType}`;
  if (want.resultType === 'scalar' || want.resultType === 'string') {
    const [a, b] = [want.result as Sample, got.result as Sample];
    return a[0] === b[0] && (want.resultType === 'string' ? a[1] === b[1] : same(a[1], b[1]))
      ? ''
      : `prometheus ${JSON.stringify(a)}, sightline ${JSON.stringify(b)}`;
  }
  const samples = (s: Series): Sample[] => s.values ?? (s.value ? [s.value] : []);
  const byKey = (r: unknown) => new Map((r as Series[]).map((s) => [labelKey(s.metric), s]));
  const [w, g] = [byKey(want.result), byKey(got.result)];
  const lines: string[] = [];
  for (const [k, s] of w) {
    const o = g.get(k);
    if (!o) lines.push(`only in prometheus: ${k} ${JSON.stringify(samples(s))}`);
    else if (samplesDiffer(samples(s), samples(o)))
      lines.push(
        `${k}: prometheus ${JSON.stringify(samples(s))}, sightline ${JSON.stringify(samples(o))}`,
      );
  }
  for (const [k, s] of g)
    if (!w.has(k)) lines.push(`only in sightline: ${k} ${JSON.stringify(samples(s))}`);
  if (lines.length === 0 && c.ordered && [...w.keys()].join() !== [...g.keys()].join())
    lines.push(
      `order: prometheus ${[...w.keys()].join(' ')}; sightline ${[...g.keys()].join(' ')}`,
    );
  return lines.join('\n');
}

/** Where both sides evaluate: an instant query at `endMs`, or a range up to it. */
export interface AskWindow {
  readonly mode: 'instant' | 'range';
  readonly endMs: number;
  readonly rangeMs: number;
  readonly stepMs: number;
}

/** The answer of the Prometheus at `address` (host:port), an error as errorType and error. */
export async function askPrometheus(address: string, expr: string, w: AskWindow): Promise<Answer> {
  const params: Record<string, string> =
    w.mode === 'instant'
      ? { query: expr, time: String(w.endMs / 1000) }
      : {
          query: expr,
          start: String((w.endMs - w.rangeMs) / 1000),
          end: String(w.endMs / 1000),
          step: String(w.stepMs / 1000),
        };
  const res = await fetch(
    `http://${address}/api/v1/${w.mode === 'instant' ? 'query' : 'query_range'}?${new URLSearchParams(params).toString()}`,
  );
  const body = (await res.json()) as { data?: Answer; errorType?: string; error?: string };
  return body.data ?? { errorType: body.errorType, error: body.error };
}

/** Sightline's answer (its PromQL engine over the running store), an error as errorType and error. */
export async function askSightline(
  s: RunningSightline,
  expr: string,
  w: AskWindow,
): Promise<Answer> {
  const ctx = {
    client: s.store.reader,
    database: s.store.database,
    limits: { maxSeries: 10_000, maxSamples: 5_000_000, timeoutMs: 60_000 },
  };
  try {
    const { data } =
      w.mode === 'instant'
        ? await evaluateInstant(ctx, expr, w.endMs)
        : await evaluateRange(ctx, expr, w.endMs - w.rangeMs, w.endMs, w.stepMs);
    return data;
  } catch (e) {
    if (e instanceof PromQLError) return { errorType: e.errorType, error: e.message };
    throw e;
  }
}
