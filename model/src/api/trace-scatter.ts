import { Type, type Static } from 'typebox';
import { TraceSearchQuery, TraceSummary } from './traces.ts';

/** Most dots the scatter draws; a range with more matching traces is sampled on the server. */
export const TRACE_SCATTER_DEFAULT_POINTS = 5000;
export const TRACE_SCATTER_MAX_POINTS = 20_000;

/** The trace search's filters, for every match in the range rather than one page of it. */
export const TraceScatterQuery = Type.Object({
  ...Type.Omit(TraceSearchQuery, ['cursor', 'limit']).properties,
  points: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: TRACE_SCATTER_MAX_POINTS,
      default: TRACE_SCATTER_DEFAULT_POINTS,
      description: 'at most this many traces; more matches are sampled evenly over time',
    }),
  ),
});
export type TraceScatterQuery = Static<typeof TraceScatterQuery>;

export const TraceScatterPoint = Type.Pick(TraceSummary, [
  'traceId',
  'rootServiceName',
  'rootName',
  'startTimeUnixNano',
  'durationNano',
  'spanCount',
  'errorCount',
]);
export type TraceScatterPoint = Static<typeof TraceScatterPoint>;

export const TraceScatterResponse = Type.Object({
  total: Type.Integer({ description: 'traces that match in the range' }),
  totalIsLowerBound: Type.Boolean({
    description: 'true when the matches were counted only up to the server-side cap',
  }),
  sampled: Type.Boolean({ description: 'true when points holds a sample of the matches' }),
  points: Type.Array(TraceScatterPoint, { description: 'oldest first (by trace start)' }),
});
export type TraceScatterResponse = Static<typeof TraceScatterResponse>;
