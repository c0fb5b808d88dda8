import { Type, type Static } from 'typebox';
import { MetricAggregation, MetricFilter } from './metrics.ts';

/**
 * A dashboard is one JSON document (title, variables, time range, panels with their queries and
 * grid positions) that the API stores with a version per save, and that export/import moves as is.
 * Query strings may use `$name` for the value of variable `name`.
 */

/** Columns of the dashboard grid. */
export const GRID_COLUMNS = 24;

export const VARIABLE_NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

/** Where a variable's choices come from. */
export const VariableSource = Type.Union([
  Type.Object({ kind: Type.Literal('services') }),
  Type.Object({
    kind: Type.Literal('operations'),
    /** A service name, or `$var`. */
    service: Type.Optional(Type.String({ maxLength: 256 })),
  }),
  Type.Object({
    kind: Type.Literal('metric_label'),
    metric: Type.String({ minLength: 1, maxLength: 1024 }),
    key: Type.String({ minLength: 1, maxLength: 1024 }),
  }),
  Type.Object({
    kind: Type.Literal('custom'),
    values: Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 500 }),
  }),
]);
export type VariableSource = Static<typeof VariableSource>;

export const DashboardVariable = Type.Object({
  name: Type.String({ pattern: VARIABLE_NAME, description: 'used in queries as $name' }),
  label: Type.Optional(Type.String({ maxLength: 200 })),
  source: VariableSource,
  multi: Type.Boolean(),
  /** The selected values; empty means "any". */
  current: Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 500 }),
});
export type DashboardVariable = Static<typeof DashboardVariable>;

/** The y axis a query's series are drawn on; absent: by unit (the first unit left, another right). */
export const AxisSide = Type.Union([Type.Literal('left'), Type.Literal('right')]);
export type AxisSide = Static<typeof AxisSide>;
const axis = Type.Optional(AxisSide);

export const MetricsPanelQuery = Type.Object({
  signal: Type.Literal('metrics'),
  axis,
  metric: Type.String({ minLength: 1, maxLength: 1024 }),
  aggregation: MetricAggregation,
  service: Type.Optional(Type.String({ maxLength: 256 })),
  filters: Type.Optional(Type.Array(MetricFilter, { maxItems: 50 })),
  groupBy: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 10 }),
  ),
});
export type MetricsPanelQuery = Static<typeof MetricsPanelQuery>;

/** A log search: counts over time (time series, stat, bar) or the matching records (log list). */
export const LogsPanelQuery = Type.Object({
  signal: Type.Literal('logs'),
  axis,
  q: Type.String({ maxLength: 4096 }),
});
export type LogsPanelQuery = Static<typeof LogsPanelQuery>;

/** Requests per second, share of them in error, 95th percentile duration (the RED series). */
export const TraceMeasure = Type.Union([
  Type.Literal('rate'),
  Type.Literal('error_rate'),
  Type.Literal('p95'),
]);
export type TraceMeasure = Static<typeof TraceMeasure>;

/** Span RED of a service/operation (time series, stat, bar), or a trace search (trace list). */
export const TracesPanelQuery = Type.Object({
  signal: Type.Literal('traces'),
  axis,
  service: Type.Optional(Type.String({ maxLength: 256 })),
  operation: Type.Optional(Type.String({ maxLength: 1024 })),
  measure: Type.Optional(TraceMeasure),
  q: Type.Optional(Type.String({ maxLength: 4096 })),
});
export type TracesPanelQuery = Static<typeof TracesPanelQuery>;

/** A PromQL expression, charted with Sightline's /prometheus range query (time series, stat, bar). */
export const PromQLPanelQuery = Type.Object({
  signal: Type.Literal('promql'),
  axis,
  expr: Type.String({ minLength: 1, maxLength: 8192 }),
});
export type PromQLPanelQuery = Static<typeof PromQLPanelQuery>;

export const PanelQuery = Type.Union([
  MetricsPanelQuery,
  LogsPanelQuery,
  TracesPanelQuery,
  PromQLPanelQuery,
]);
export type PanelQuery = Static<typeof PanelQuery>;

export const PanelType = Type.Union([
  Type.Literal('timeseries'),
  Type.Literal('stat'),
  Type.Literal('bar'),
  Type.Literal('logs'),
  Type.Literal('traces'),
]);
export type PanelType = Static<typeof PanelType>;

export const Threshold = Type.Object({
  value: Type.Number(),
  color: Type.Union([Type.Literal('green'), Type.Literal('amber'), Type.Literal('red')]),
});
export type Threshold = Static<typeof Threshold>;

export const PanelOptions = Type.Object({
  /** Overrides the unit the data carries (UCUM, e.g. `ms`, `By`, `1`, `%`). */
  unit: Type.Optional(Type.String({ maxLength: 32 })),
  /** Stat: colour by the highest threshold the value reaches. */
  thresholds: Type.Optional(Type.Array(Threshold, { maxItems: 10 })),
  /** A fixed step (`30s`, `5m`) for this panel; absent: the board's, or auto from its width. */
  step: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}[smhd]$' })),
  /** Log and trace lists, bar: how many rows. */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type PanelOptions = Static<typeof PanelOptions>;

export const GridPos = Type.Object({
  x: Type.Integer({ minimum: 0, maximum: GRID_COLUMNS - 1 }),
  y: Type.Integer({ minimum: 0, maximum: 10_000 }),
  w: Type.Integer({ minimum: 1, maximum: GRID_COLUMNS }),
  h: Type.Integer({ minimum: 1, maximum: 100 }),
});
export type GridPos = Static<typeof GridPos>;

/** Most queries one panel holds (e.g. a latency and a request rate on two axes). */
export const MAX_PANEL_QUERIES = 8;

const panelId = Type.String({ minLength: 1, maxLength: 64 });

/** A panel that shows data: its queries (all drawn together), display options and grid slot. */
export const Panel = Type.Object({
  id: panelId,
  title: Type.String({ maxLength: 200 }),
  type: PanelType,
  queries: Type.Array(PanelQuery, { minItems: 1, maxItems: MAX_PANEL_QUERIES }),
  options: PanelOptions,
  grid: GridPos,
});
export type Panel = Static<typeof Panel>;

/**
 * A row heading: it groups the panels below it, up to the next row. Expanded, those panels sit
 * in the board's own list; collapsed, they move into `panels` here (and are neither drawn nor
 * queried) until the row is expanded again.
 */
export const RowPanel = Type.Object({
  id: panelId,
  type: Type.Literal('row'),
  title: Type.String({ maxLength: 200 }),
  collapsed: Type.Boolean(),
  panels: Type.Array(Panel, { maxItems: 100 }),
  grid: GridPos,
});
export type RowPanel = Static<typeof RowPanel>;

export const BoardPanel = Type.Union([Panel, RowPanel]);
export type BoardPanel = Static<typeof BoardPanel>;

export const isRow = (p: BoardPanel): p is RowPanel => p.type === 'row';

/** A sliding window (`last`) or fixed bounds (ISO 8601 or epoch ms). */
export const DashboardTimeRange = Type.Union([
  Type.Object({
    last: Type.Union([
      Type.Literal('15m'),
      Type.Literal('1h'),
      Type.Literal('24h'),
      Type.Literal('7d'),
    ]),
  }),
  Type.Object({
    from: Type.String({ minLength: 1, maxLength: 64 }),
    to: Type.String({ minLength: 1, maxLength: 64 }),
  }),
]);
export type DashboardTimeRange = Static<typeof DashboardTimeRange>;

export const Refresh = Type.Union([
  Type.Literal('off'),
  Type.Literal('10s'),
  Type.Literal('30s'),
  Type.Literal('1m'),
  Type.Literal('5m'),
]);
export type Refresh = Static<typeof Refresh>;

const inputProperties = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 4000 }),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 }),
  variables: Type.Array(DashboardVariable, { maxItems: 20 }),
  timeRange: DashboardTimeRange,
  refresh: Refresh,
  panels: Type.Array(BoardPanel, { maxItems: 100 }),
};

/** What POST takes and export writes. */
export const DashboardInput = Type.Object(inputProperties);
export type DashboardInput = Static<typeof DashboardInput>;

/** What PUT takes: the document and the version it was read at (a stale one answers 409). */
export const DashboardUpdate = Type.Object({
  ...inputProperties,
  version: Type.Integer({ minimum: 1, description: 'the version this edit started from' }),
});
export type DashboardUpdate = Static<typeof DashboardUpdate>;

export const Dashboard = Type.Object({
  ...inputProperties,
  id: Type.String(),
  /** 1 on create, +1 on every save. */
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Dashboard = Static<typeof Dashboard>;

export const DashboardSummary = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  tags: Type.Array(Type.String()),
  panels: Type.Integer(),
  version: Type.Integer(),
  updatedAt: Type.String(),
});
export type DashboardSummary = Static<typeof DashboardSummary>;

export const DashboardListQuery = Type.Object({
  /** Words that must all appear in the title or a tag (case-insensitive). */
  search: Type.Optional(Type.String({ maxLength: 200 })),
  tag: Type.Optional(Type.String({ maxLength: 64 })),
});
export type DashboardListQuery = Static<typeof DashboardListQuery>;

export const DashboardList = Type.Object({ dashboards: Type.Array(DashboardSummary) });
export type DashboardList = Static<typeof DashboardList>;

export const DashboardParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
});
export type DashboardParams = Static<typeof DashboardParams>;
