import { Type, type Static } from 'typebox';

/**
 * The Prometheus HTTP API under /prometheus, as Prometheus documents it (docs/querying/api.md).
 * These schemas document the routes; the handlers read parameters the way Prometheus does (the
 * form body first, then the query string), and answer in Prometheus' envelope.
 */

const PromTime = Type.String({
  description: 'RFC 3339 (2026-01-01T00:00:00.5Z) or Unix seconds with decimals (1767225600.5)',
});
const PromDuration = Type.String({
  description: 'a Prometheus duration (30s, 5m, 1h30m) or seconds with decimals (15, 0.5)',
});
const Limit = Type.String({
  pattern: '^[0-9]+$',
  description: 'most series (or names, values) returned; 0: no limit. Truncation adds a warning',
});
const MatchList = Type.Array(Type.String(), {
  description: 'series selectors such as up{job="api"}; repeat the key for several',
});

export const PromInstantQuery = Type.Object({
  query: Type.String({ description: 'PromQL expression' }),
  time: Type.Optional(PromTime),
  timeout: Type.Optional(PromDuration),
  limit: Type.Optional(Limit),
});

export const PromFormatQuery = Type.Object({
  query: Type.String({ description: 'PromQL expression to write in Prometheus’s prettified form' }),
});

export const PromRangeQuery = Type.Object({
  query: Type.String({ description: 'PromQL expression' }),
  start: PromTime,
  end: PromTime,
  step: PromDuration,
  timeout: Type.Optional(PromDuration),
  limit: Type.Optional(Limit),
});

export const PromSeriesQuery = Type.Object({
  'match[]': Type.Optional(MatchList),
  start: Type.Optional(PromTime),
  end: Type.Optional(PromTime),
  limit: Type.Optional(Limit),
});

export const PromMetadataQuery = Type.Object({
  metric: Type.Optional(Type.String({ description: 'only this metric family' })),
  limit: Type.Optional(Limit),
  limit_per_metric: Type.Optional(Limit),
});

export const PromExemplarQuery = Type.Object({
  query: Type.String({ description: 'PromQL expression whose series selectors pick the series' }),
  start: Type.Optional(PromTime),
  end: Type.Optional(PromTime),
});

export const PromLabelParams = Type.Object({
  name: Type.String({ description: 'label name, e.g. job or __name__' }),
});

/** `{status: "success", data, warnings?}`; `data`'s shape is the endpoint's, as in Prometheus. */
export const PromSuccess = Type.Object({
  status: Type.Literal('success'),
  data: Type.Unknown(),
  warnings: Type.Optional(Type.Array(Type.String())),
});
export type PromSuccess = Static<typeof PromSuccess>;

export const PromError = Type.Object({
  status: Type.Literal('error'),
  errorType: Type.String({
    description:
      'bad_data (400), execution (422), canceled (499), timeout (503), unavailable (503), internal (500), unauthorized (401), forbidden (403), not_found (404)',
  }),
  error: Type.String(),
});
export type PromError = Static<typeof PromError>;
