import { Type, type Static } from 'typebox';
import { ApiError, matches } from '../api.ts';
import { notifyUnauthenticated } from '../auth.ts';

/** A range query's answer in Prometheus's shape: values as strings ("1", "NaN", "+Inf"). */
const PromMatrix = Type.Object({
  status: Type.Literal('success'),
  data: Type.Object({
    resultType: Type.String(),
    result: Type.Array(
      Type.Object({
        metric: Type.Record(Type.String(), Type.String()),
        values: Type.Array(Type.Tuple([Type.Number(), Type.String()])),
      }),
    ),
  }),
  warnings: Type.Optional(Type.Array(Type.String())),
});
export type PromMatrix = Static<typeof PromMatrix>;

const PromErrorBody = Type.Object({ errorType: Type.String(), error: Type.String() });

/** Steps a chart may use, in seconds: round ones, as Prometheus's and Grafana's UIs pick them. */
const ROUND_STEPS = [
  1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400,
];

/** About 250 points across the range, rounded up to a round step; seconds. */
export function autoStepSeconds(fromMs: number, toMs: number): number {
  const want = (toMs - fromMs) / 1000 / 250;
  return ROUND_STEPS.find((s) => s >= want) ?? 86_400;
}

/** `10s`, `1m`, `1h` (the explorer's step choices) in seconds; undefined for anything else. */
export function stepSeconds(step: string | undefined): number | undefined {
  const m = step === undefined ? null : /^(\d+)([smh])$/.exec(step);
  if (!m) return undefined;
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] ?? 1);
}

/** Prometheus's sample text as a number (JSON has no NaN or Infinity). */
export const sampleValue = (s: string): number =>
  s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);

/**
 * `expr` over [fromMs, toMs] from Sightline's /prometheus API, start aligned to the step as
 * Grafana aligns it; a Prometheus error becomes an ApiError carrying its errorType and message.
 */
export async function queryRange(
  expr: string,
  fromMs: number,
  toMs: number,
  step: number,
  signal?: AbortSignal,
): Promise<PromMatrix & { start: number; end: number; step: number }> {
  const start = Math.floor(fromMs / 1000 / step) * step;
  const end = Math.ceil(toMs / 1000 / step) * step;
  const params = new URLSearchParams({
    query: expr,
    start: String(start),
    end: String(end),
    step: String(step),
  });
  let res: Response;
  try {
    res = await fetch(`/prometheus/api/v1/query_range?${params.toString()}`, {
      signal: signal ?? null,
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError('SL_ERR_NETWORK', 0, 'The Sightline API did not answer.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.status === 401) notifyUnauthenticated();
  if (!res.ok || !matches(PromMatrix, body)) {
    const e = matches(PromErrorBody, body) ? body : null;
    throw new ApiError(
      e?.errorType ?? 'SL_ERR_BAD_RESPONSE',
      res.status,
      e?.error ?? `Unexpected answer (HTTP ${res.status}) from /prometheus/api/v1/query_range`,
    );
  }
  return { ...body, start: start * 1000, end: end * 1000, step: step * 1000 };
}
