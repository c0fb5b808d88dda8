import type { Dashboard, Panel } from '@sightline/model/api/dashboards';
import { INTERNAL_FILTER, INTERNAL_PROBLEMS_QUERY } from '../views/pipeline-panels.ts';

/**
 * Dashboards every user has without building them. They are documents like any other, drawn by
 * the same view but not stored: Copy saves one as the user's own, to edit.
 */
const at = (x: number, y: number, w: number, h: number): Panel['grid'] => ({ x, y, w, h });

const serviceOverview: Dashboard = {
  id: 'generated-service-overview',
  version: 0,
  createdAt: '1970-01-01T00:00:00.000Z',
  updatedAt: '1970-01-01T00:00:00.000Z',
  title: 'Service overview',
  description:
    'Requests, errors and latency from spans, top routes, error logs and runtime metrics',
  tags: ['generated', 'service'],
  variables: [{ name: 'service', source: { kind: 'services' }, multi: false, current: [] }],
  timeRange: { last: '1h' },
  refresh: 'off',
  panels: [
    {
      id: 'rate',
      title: 'Requests per second',
      type: 'timeseries',
      queries: [{ signal: 'traces', service: '$service', measure: 'rate' }],
      options: {},
      grid: at(0, 0, 8, 7),
    },
    {
      id: 'errors',
      title: 'Error rate',
      type: 'timeseries',
      queries: [{ signal: 'traces', service: '$service', measure: 'error_rate' }],
      options: {},
      grid: at(8, 0, 8, 7),
    },
    {
      id: 'p95',
      title: 'p95 duration',
      type: 'timeseries',
      queries: [{ signal: 'traces', service: '$service', measure: 'p95' }],
      options: {},
      grid: at(16, 0, 8, 7),
    },
    {
      id: 'routes',
      title: 'Slowest routes (p95)',
      type: 'bar',
      queries: [
        {
          signal: 'metrics',
          metric: 'http.server.request.duration',
          aggregation: 'p95',
          service: '$service',
          groupBy: ['http.route'],
        },
      ],
      options: { limit: 10 },
      grid: at(0, 7, 12, 8),
    },
    {
      id: 'error-logs',
      title: 'Error logs',
      type: 'logs',
      queries: [{ signal: 'logs', q: 'service:$service level:(error OR fatal)' }],
      options: { limit: 100 },
      grid: at(12, 7, 12, 8),
    },
    {
      id: 'heap',
      title: 'Heap used',
      type: 'timeseries',
      queries: [
        {
          signal: 'metrics',
          metric: 'v8js.memory.heap.used',
          aggregation: 'avg',
          service: '$service',
        },
      ],
      options: {},
      grid: at(0, 15, 8, 7),
    },
    {
      id: 'event-loop',
      title: 'Event loop delay p99',
      type: 'timeseries',
      queries: [
        {
          signal: 'metrics',
          metric: 'nodejs.eventloop.delay.p99',
          aggregation: 'max',
          service: '$service',
        },
      ],
      options: {},
      grid: at(8, 15, 8, 7),
    },
    {
      id: 'error-traces',
      title: 'Recent traces with errors',
      type: 'traces',
      queries: [{ signal: 'traces', service: '$service', q: 'status:error' }],
      options: { limit: 20 },
      grid: at(16, 15, 8, 7),
    },
  ],
};

const internal = [INTERNAL_FILTER];

const pipeline: Dashboard = {
  id: 'generated-sightline-pipeline',
  version: 0,
  createdAt: '1970-01-01T00:00:00.000Z',
  updatedAt: '1970-01-01T00:00:00.000Z',
  title: 'Sightline pipeline',
  description: "Sightline's own ingest: items received, queue, insert latency and problems",
  tags: ['generated', 'sightline'],
  variables: [],
  timeRange: { last: '1h' },
  refresh: 'off',
  panels: [
    {
      id: 'items',
      title: 'Items received per second',
      type: 'timeseries',
      queries: [
        {
          signal: 'metrics',
          metric: 'sightline_otlp_items_total',
          aggregation: 'rate',
          filters: internal,
          groupBy: ['signal'],
        },
      ],
      options: { unit: '{items}/s' },
      grid: at(0, 0, 12, 7),
    },
    {
      id: 'queue',
      title: 'Queue depth',
      type: 'timeseries',
      queries: [
        {
          signal: 'metrics',
          metric: 'sightline_ingest_queue_rows',
          aggregation: 'max',
          filters: internal,
        },
      ],
      options: { unit: '{rows}' },
      grid: at(12, 0, 12, 7),
    },
    {
      id: 'insert-latency',
      title: 'Insert latency p95',
      type: 'timeseries',
      queries: [
        {
          signal: 'metrics',
          metric: 'sightline_ingest_insert_seconds',
          aggregation: 'p95',
          filters: internal,
        },
      ],
      options: { unit: 's' },
      grid: at(0, 7, 12, 7),
    },
    {
      id: 'problems',
      title: 'Internal warnings and errors',
      type: 'logs',
      queries: [{ signal: 'logs', q: INTERNAL_PROBLEMS_QUERY }],
      options: { limit: 100 },
      grid: at(12, 7, 12, 7),
    },
  ],
};

export const GENERATED: readonly Dashboard[] = [serviceOverview, pipeline];

export const generatedDashboard = (id: string): Dashboard | undefined =>
  GENERATED.find((d) => d.id === id);
