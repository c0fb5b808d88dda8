/**
 * The PromQL queries promql-compare.int.test.ts asks of both the Debian Prometheus and Sightline,
 * one a line. Series available (see promql-harness.ts): job `shop` (two instances) with
 * shop_requests_total{path,code} (a reset every 7th scrape, a zero counter, non-ASCII path),
 * shop_path_info{path,team}, shop_temperature{room} (zeros, negatives, NaN), the classic histogram
 * shop_latency_seconds{path}; its OTLP copy otlp_latency_seconds (job `shop`, same samples); job
 * `demo` (prom-demo-target.ts); job `prometheus` (Prometheus's own metrics).
 * Instant cases are evaluated at the end of the data, range cases over its last 40 s at 5 s steps.
 */
export interface PromQLCase {
  readonly expr: string;
  readonly mode: 'instant' | 'range';
  /** What Prometheus is asked instead, when Sightline's data differ by name (the OTLP copy). */
  readonly prom?: string;
  /** The order of the result's series is part of the answer (sort, sort_desc). */
  readonly ordered?: boolean;
  /** Prometheus answers no series (absent of a present series): the comparison is of nothing. */
  readonly empty?: boolean;
  /** Both must refuse it with this errorType. */
  readonly error?: 'bad_data' | 'execution';
}

const instant = (expr: string, more: Omit<PromQLCase, 'expr' | 'mode'> = {}): PromQLCase => ({
  expr,
  mode: 'instant',
  ...more,
});
const range = (expr: string, more: Omit<PromQLCase, 'expr' | 'mode'> = {}): PromQLCase => ({
  expr,
  mode: 'range',
  ...more,
});

const T = 'shop_temperature';
const REQ = 'shop_requests_total';
const BUCKET = 'shop_latency_seconds_bucket';

export const CASES: readonly PromQLCase[] = [
  // CORE
  // Selectors: every matcher op, the name as a matcher, offset and @.
  instant(T),
  range(`${REQ}{path="/cart"}`),
  instant(`${REQ}{code!="200"}`),
  range(`${T}{room=~"k.*|hall"}`),
  instant(`${REQ}{path!~"/c.*"}`),
  instant(`{__name__=~"shop_temp.*", room!=""}`),
  range(`${T} offset 10s`),
  range(`${T} @ start()`),
  instant(`${REQ} @ end() offset 5s`),
  // Range functions, through metrics-prom-sql.
  range(`rate(${REQ}[10s])`),
  range(`irate(${REQ}[10s])`),
  range(`increase(${REQ}[30s])`),
  range(`rate(${REQ}[10s] offset 10s)`),
  range(`delta(${T}[10s])`),
  range(`idelta(${T}[10s])`),
  range(`deriv(${T}[20s])`),
  range(`resets(${REQ}[30s])`),
  range(`changes(${T}[30s])`),
  range(`avg_over_time(${T}[10s])`),
  range(`min_over_time(${T}[10s])`),
  range(`max_over_time(${T}[10s])`),
  range(`sum_over_time(${T}[10s])`),
  range(`count_over_time(${T}[10s])`),
  range(`last_over_time(${T}[10s])`),
  range(`stddev_over_time(${T}[10s])`),
  range(`stdvar_over_time(${T}[10s])`),
  range(`quantile_over_time(0.9, ${T}[10s])`),
  range(`present_over_time(${REQ}[5s])`),
  instant(`rate(${REQ}[30s] @ start())`),
  // The OTLP copy of the histogram, under the exporter's names.
  range(`rate(otlp_latency_seconds_count[10s])`, { prom: `rate(shop_latency_seconds_count[10s])` }),
  instant(`sum by (le) (otlp_latency_seconds_bucket)`, { prom: `sum by (le) (${BUCKET})` }),
  // Aggregations, with by and without.
  range(`sum by (path) (rate(${REQ}[10s]))`),
  range(`sum without (instance, code) (${REQ})`),
  instant(`sum(${REQ})`),
  instant(`avg by (room) (${T})`),
  range(`avg without (instance) (${T})`),
  range(`min by (job) (${T})`),
  instant(`max without (room) (${T})`),
  instant(`count by (code) (${REQ})`),
  range(`count without (path) (${REQ})`),
  instant(`group by (job) ({job="shop"})`),
  instant(`group without (path, code) (${REQ})`),
  range(`stddev by (instance) (${T})`),
  instant(`stdvar without (room) (${T})`),
  // Subqueries feeding range functions, with offset and @.
  range(`max_over_time(rate(${REQ}[10s])[30s:5s])`),
  instant(`avg_over_time(${T}[20s:2s] offset 10s)`),
  instant(`rate(sum(${REQ})[30s:1s])`),
  range(`sum_over_time(${T}[20s:5s] @ end())`),
  instant(`-sum by (room) (${T})`),

  // OPS
  // Arithmetic: vector/scalar, scalar/vector, scalar/scalar, vector/vector one-to-one.
  range(`${T} + 1.5`),
  range(`10 - ${T}`),
  instant(`${REQ}{path="/cart"} * 2`),
  range(`${T} / 0`),
  range(`${T} % 2`),
  range(`${T} ^ 2`),
  instant(`${T} atan2 1`),
  instant(`2 ^ 3 ^ 2 - 7 % 4 / 2`),
  range(`shop_latency_seconds_sum / shop_latency_seconds_count`),
  range(`${T}{room="kitchen"} - ignoring(room) ${T}{room="hall"}`),
  range(
    `sum by (path) (rate(${REQ}[30s])) / on(path) sum by (path) (rate(shop_latency_seconds_count[30s]))`,
  ),
  // Many-to-one and one-to-many with extra labels.
  instant(`sum by (instance, path) (${REQ}) * on(instance, path) group_left(team) shop_path_info`),
  range(`shop_path_info * on(instance, path) group_right(team) ${REQ}`),
  range(`${REQ} / ignoring(code) group_left sum without (code) (${REQ})`),
  instant(`${REQ} + on(path) shop_path_info`, { error: 'execution' }),
  instant(`label_replace(${T}, "a-b", "x", "room", ".*")`, { error: 'execution' }),
  instant(`count_values("a b", ${T})`, { error: 'execution' }),
  // Comparisons, filtering and with bool.
  range(`${T} > 0`),
  range(`${T} < 1`),
  range(`${T} >= 0`),
  range(`${T} <= -1`),
  range(`${T} == 0`),
  range(`${T} != 0`),
  range(`${T} > bool 0`),
  instant(`${T} == bool 0`),
  instant(`1 < bool 2`),
  range(`${T} > on(instance, room) (${T} offset 5s)`),
  range(`${T} <= bool ignoring(room) group_left ${T}{room="hall"}`),
  // Set operators.
  range(`${T} and ${T} > 0`),
  range(`${T}{room="hall"} or ${T}{room="kitchen"}`),
  instant(`${REQ} unless on(path) shop_path_info{team="payments"}`),
  range(`${T} and on(room) ${T}{instance=~".*:.*", room="cellar"}`),
  // Functions of one value.
  range(`abs(${T})`),
  range(`ceil(${T} / 3)`),
  range(`floor(${T} / 3)`),
  range(`round(${T} / 4)`),
  range(`round(${T}, 0.5)`),
  range(`clamp(${T}, -1, 2)`),
  range(`clamp_min(${T}, 0)`),
  range(`clamp_max(${T}, 1)`),
  range(`sqrt(${T})`),
  range(`exp(${T})`),
  range(`ln(${T})`),
  range(`log2(${T})`),
  range(`log10(${T})`),
  range(`sgn(${T})`),
  // Labels.
  instant(`label_replace(${REQ}, "p", "x$1", "path", "/(.*)")`),
  instant(`label_replace(${T}, "room", "", "room", "hall")`),
  range(`label_join(${T}, "where", " · ", "room", "instance")`),
  // absent, time, vector, scalar, sort.
  range(`absent(nothing_here{job="shop", path="/x", code=~"5.."})`),
  instant(`absent(${T})`, { empty: true }),
  range(`absent_over_time(nothing_here{job="demo"}[20s])`),
  instant(`absent_over_time(${T}[20s])`, { empty: true }),
  range(`time()`),
  range(`timestamp(${T})`),
  range(`vector(1)`),
  range(`scalar(sum(${T}{room="kitchen"}))`),
  range(`scalar(${T})`),
  instant(`sort(${T}{room!="cellar"})`, { ordered: true }),
  instant(`sort_desc(${REQ}{code="200"})`, { ordered: true }),
  // histogram_quantile: classic buckets, aggregated, out-of-range φ, and the OTLP copy.
  range(`histogram_quantile(0.9, rate(${BUCKET}[30s]))`),
  range(`histogram_quantile(0.5, sum by (le) (rate(${BUCKET}[30s])))`),
  instant(`histogram_quantile(0.99, ${BUCKET})`),
  instant(`histogram_quantile(1.5, ${BUCKET})`),
  instant(`histogram_quantile(-0.5, ${BUCKET})`),
  range(`histogram_quantile(0.75, rate(demo_latency_seconds_bucket[30s]))`),
  range(`histogram_quantile(0.9, rate(otlp_latency_seconds_bucket[30s]))`, {
    prom: `histogram_quantile(0.9, rate(${BUCKET}[30s]))`,
  }),
  // topk, bottomk, quantile, count_values.
  range(`topk(2, ${T})`),
  instant(`bottomk by (room) (1, ${T})`),
  range(`quantile(0.5, ${T})`),
  instant(`quantile without (instance) (0.9, ${T})`),
  instant(`count_values("value", ${REQ})`),
  range(`count_values by (room) ("t", ${T})`),
  // More shapes: scalar on the left with bool, 0/0, set operators with modifiers, renaming.
  range(`0 < bool ${T}`),
  range(`${T} / ${T}`),
  instant(`${T}{room="hall"} or on(instance) ${T}{room="kitchen"}`),
  range(`${REQ} unless ignoring(code) ${REQ}{code="500"}`),
  range(`clamp(${T}, 2, 1)`, { empty: true }),
  instant(`label_replace(${REQ}, "__name__", "renamed_$1", "code", "(.*)")`),
  instant(`count_values without (instance) ("v", ${T}{room="cellar"})`),
  range(`histogram_quantile(0.5, sum by (le, job) (rate(otlp_latency_seconds_bucket[30s])))`, {
    prom: `histogram_quantile(0.5, sum by (le, job) (rate(${BUCKET}[30s])))`,
  }),
];
