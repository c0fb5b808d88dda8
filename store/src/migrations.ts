import type { DdlContext } from './schema/ddl-context.ts';
import {
  alertDeliveriesTable,
  alertHistoryTable,
  alertLeaseTable,
  alertRulesTable,
  alertSilencesTable,
  alertStatesTable,
} from './schema/alerts.ts';
import { apiKeysTable, sessionsTable, usersTable } from './schema/auth.ts';
import { dashboardsTable } from './schema/dashboards.ts';
import { ingestBatchesTable } from './schema/ingest-batches.ts';
import {
  backfillRedHistogram,
  redHistogramTable,
  redHistogramView,
} from './schema/red-histogram.ts';
import { savedSearchesTable } from './schema/saved-searches.ts';
import { logsTable } from './schema/logs.ts';
import {
  materializeSeriesHash,
  METRIC_TABLES,
  metricTable,
  seriesHashColumn,
  type MetricKind,
} from './schema/metrics.ts';
import {
  materializeRedProjection,
  redProjection,
  traceIdTsTable,
  traceIdTsView,
  tracesTable,
} from './schema/traces.ts';
import {
  backfillServiceEdges,
  edgeOrphansTable,
  edgeOrphansView,
  serviceEdgesTable,
  serviceEdgesView,
} from './schema/service-edges.ts';
import {
  backfillTraceSummaries,
  traceSummariesTable,
  traceSummariesView,
} from './schema/trace-summaries.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Every statement is idempotent (IF NOT EXISTS), so a migration cut short re-runs safely. */
  statements(ctx: DdlContext): string[];
}

/** Append only: a released migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'otel exporter tables',
    statements: (ctx) => [
      tracesTable(ctx),
      traceIdTsTable(ctx),
      traceIdTsView(ctx),
      logsTable(ctx),
      metricTable(ctx, 'gauge'),
      metricTable(ctx, 'sum'),
      metricTable(ctx, 'histogram'),
      metricTable(ctx, 'exponentialHistogram'),
      metricTable(ctx, 'summary'),
    ],
  },
  {
    version: 2,
    name: 'alerting tables',
    statements: (ctx) => [
      alertRulesTable(ctx),
      alertStatesTable(ctx),
      alertHistoryTable(ctx),
      alertSilencesTable(ctx),
      alertDeliveriesTable(ctx),
      alertLeaseTable(ctx),
    ],
  },
  {
    version: 3,
    name: 'api keys, users and sessions',
    statements: (ctx) => [apiKeysTable(ctx), usersTable(ctx), sessionsTable(ctx)],
  },
  {
    version: 4,
    name: 'ingest batch records (replicated on every node in a cluster)',
    statements: (ctx) => [ingestBatchesTable(ctx)],
  },
  {
    version: 5,
    name: 'saved dashboards',
    statements: (ctx) => [dashboardsTable(ctx)],
  },
  {
    version: 10,
    name: 'per-minute RED projection of spans',
    // A cluster re-runs every statement at start-up: there, older parts get the projection as
    // they merge instead of being rewritten on every start.
    statements: (ctx) => [
      redProjection(ctx),
      ...(ctx.cluster === undefined ? [materializeRedProjection(ctx)] : []),
    ],
  },
  {
    version: 11,
    name: 'a series hash column in the metric tables, computed when a point is written',
    // As for version 10: a cluster re-runs every statement at start-up, so older parts there get
    // the column as they merge (and compute it on read until then).
    statements: (ctx) =>
      (Object.keys(METRIC_TABLES) as MetricKind[]).flatMap((kind) => [
        seriesHashColumn(ctx, kind),
        ...(ctx.cluster === undefined ? [materializeSeriesHash(ctx, kind)] : []),
      ]),
  },
  {
    version: 12,
    name: 'trace summaries (one row per trace, kept by a materialized view)',
    // A cluster re-runs every statement at start-up while ingest may be running: the backfill,
    // which must run once before any span arrives, is for a single server only.
    statements: (ctx) => [
      traceSummariesTable(ctx),
      traceSummariesView(ctx),
      ...(ctx.cluster === undefined ? [backfillTraceSummaries(ctx)] : []),
    ],
  },
  {
    version: 13,
    name: 'service graph: caller → callee edges per minute, kept by materialized views',
    // As for version 12: the backfill runs on a single server only.
    statements: (ctx) => [
      serviceEdgesTable(ctx),
      edgeOrphansTable(ctx),
      ...(ctx.cluster === undefined ? backfillServiceEdges(ctx) : []),
      serviceEdgesView(ctx),
      edgeOrphansView(ctx),
    ],
  },
  {
    version: 14,
    name: 'per-minute RED latency histograms (a table kept by a materialized view)',
    // As for version 12: the backfill, which must run once before any span arrives, is for a single
    // server only; a cluster's table covers the spans from the view's creation on.
    statements: (ctx) => [
      redHistogramTable(ctx),
      redHistogramView(ctx),
      ...(ctx.cluster === undefined ? [backfillRedHistogram(ctx)] : []),
    ],
  },
  {
    version: 17,
    name: 'saved log searches',
    statements: (ctx) => [savedSearchesTable(ctx)],
  },
];
