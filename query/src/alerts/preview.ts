import type { AlertPreviewRequest, AlertPreviewResponse } from '@sightline/model/api/alerts';
import type { SeriesPoint } from '@sightline/model/api/metrics';
import { toPointValue } from '@sightline/model/prom-value';
import { conditionText, thresholdOf } from './condition.ts';
import type { EvalTarget } from './evaluate-query.ts';
import { evaluateInstants } from './evaluate-series.ts';
import { INITIAL_STATE, step, type AlertState } from './state-machine.ts';
import { validateRule } from './validate.ts';

/** Evaluations replayed at most (a log rule's are one query; other kinds', one query each). */
export const PREVIEW_MAX_POINTS = 60;

/**
 * Replays a draft rule over the last `hours`: evaluates it at evenly spaced instants (its own
 * interval, or coarser so the replay stays within PREVIEW_MAX_POINTS), each over its own window,
 * and runs the same state machine the evaluator runs. Silences and notifications do not apply.
 */
export async function previewRule(
  target: EvalTarget,
  req: AlertPreviewRequest,
  nowMs: number,
): Promise<AlertPreviewResponse> {
  const n = validateRule(req.rule);
  const spanMs = Math.round((req.hours ?? 1) * 3_600_000);
  const stepMs = Math.max(n.intervalMs, Math.ceil(spanMs / PREVIEW_MAX_POINTS / 1000) * 1000);
  const toMs = nowMs;
  const count = Math.max(1, Math.floor(spanMs / stepMs));
  const fromMs = toMs - (count - 1) * stepMs;

  const series = new Map<string, { labels: Record<string, string>; points: SeriesPoint[] }>();
  const states = new Map<string, AlertState>();
  const transitions: AlertPreviewResponse['transitions'] = [];
  const results = await evaluateInstants(target, req.rule.query, n.groupBy, n.windowMs, {
    fromMs,
    stepMs,
    count,
  });
  for (const [i, result] of results.entries()) {
    const at = fromMs + i * stepMs;
    for (const [key, g] of result.groups) {
      if (!series.has(key)) {
        // Earlier instants did not see this group: its value there is the query's absent value.
        const earlier = Array.from({ length: i }, (_, j): SeriesPoint => [
          fromMs + j * stepMs,
          toPointValue(result.absent),
        ]);
        series.set(key, { labels: { ...g.labels }, points: earlier });
      }
    }
    for (const [key, s] of series) {
      const value =
        result.groups.get(key)?.value ?? (result.groups.has(key) ? null : result.absent);
      s.points.push([at, toPointValue(value)]);
      const r = step({
        prev: states.get(key) ?? INITIAL_STATE,
        value,
        condition: req.rule.condition,
        forMs: n.forMs,
        noData: n.noData,
        nowMs: at,
      });
      states.set(key, r.next);
      for (const t of r.transitions) {
        transitions.push({ groupKey: key, at, from: t.from, to: t.to, value: toPointValue(value) });
      }
    }
  }
  return {
    from: fromMs,
    to: toMs,
    step: stepMs,
    threshold: thresholdOf(req.rule.condition),
    condition: conditionText(req.rule.condition),
    series: [...series].map(([groupKey, s]) => ({ groupKey, labels: s.labels, points: s.points })),
    transitions,
  };
}
