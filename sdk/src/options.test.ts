import { describe, expect, it } from 'vitest';
import { captureWarnings, nextTick } from '../test/helpers.ts';
import { DEFAULT_ENDPOINT, resolveConfig } from './options.ts';

const warnings = captureWarnings();

describe('resolveConfig', () => {
  it('defaults to the local Sightline with everything on', () => {
    const config = resolveConfig({}, {});
    expect(config.endpoints).toEqual({
      traces: `${DEFAULT_ENDPOINT}/v1/traces`,
      logs: `${DEFAULT_ENDPOINT}/v1/logs`,
      metrics: `${DEFAULT_ENDPOINT}/v1/metrics`,
    });
    expect(config.service).toBe('unknown_service:node');
    expect(config.headers).toEqual({});
    expect(config.sampler).toEqual({ kind: 'always_on', parentBased: true });
    expect(config.propagators).toEqual(['tracecontext', 'baggage']);
    expect(config.spans).toEqual({
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduledDelayMs: 5000,
    });
    expect(config.shutdownSignals).toEqual(['SIGTERM']);
    expect(Object.values(config.instrumentations).every(Boolean)).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the standard OTEL_* variables and SIGHTLINE_API_KEY', () => {
    const config = resolveConfig(
      {},
      {
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://sightline.example:4318/',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs.example/custom',
        SIGHTLINE_API_KEY: 'k-123',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_PROPAGATORS: 'tracecontext,baggage,b3multi',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BLRP_SCHEDULE_DELAY: '250',
        OTEL_METRIC_EXPORT_INTERVAL: '15000',
      },
    );
    expect(config.service).toBe('checkout');
    expect(config.endpoints.traces).toBe('https://sightline.example:4318/v1/traces');
    expect(config.endpoints.logs).toBe('http://logs.example/custom');
    expect(config.headers).toEqual({ 'x-sightline-key': 'k-123' });
    expect(config.sampler).toEqual({ kind: 'ratio', ratio: 0.25, parentBased: true });
    expect(config.propagators).toEqual(['tracecontext', 'baggage', 'b3multi']);
    // The batch cannot exceed the queue.
    expect(config.spans).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 100 });
    expect(config.logs.scheduledDelayMs).toBe(250);
    expect(config.metricIntervalMs).toBe(15_000);
  });

  it('lets options win over the environment', () => {
    const config = resolveConfig(
      {
        service: 'from-code',
        endpoint: 'http://10.0.0.1:4318',
        apiKey: 'code-key',
        sampleRatio: 0.5,
        b3: 'single',
      },
      {
        OTEL_SERVICE_NAME: 'from-env',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://env.example/v1/traces',
        SIGHTLINE_API_KEY: 'env-key',
        OTEL_TRACES_SAMPLER: 'always_off',
      },
    );
    expect(config.service).toBe('from-code');
    expect(config.endpoints.traces).toBe('http://10.0.0.1:4318/v1/traces');
    expect(config.headers).toEqual({ 'x-sightline-key': 'code-key' });
    expect(config.sampler).toEqual({ kind: 'ratio', ratio: 0.5, parentBased: true });
    expect(config.propagators).toEqual(['tracecontext', 'baggage', 'b3']);
  });

  it('takes service.name from OTEL_RESOURCE_ATTRIBUTES when nothing else names the service', () => {
    const config = resolveConfig(
      {},
      { OTEL_RESOURCE_ATTRIBUTES: 'team=pay,service.name=cart%20api' },
    );
    expect(config.service).toBe('cart api');
  });

  it('warns and falls back on bad values instead of throwing', async () => {
    const config = resolveConfig(
      { sampleRatio: 3, spans: { maxQueueSize: -1 } },
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
        OTEL_BLRP_MAX_QUEUE_SIZE: 'lots',
        OTEL_TRACES_SAMPLER: 'sometimes',
      },
    );
    await nextTick();
    expect(config.endpoints.traces).toBe(`${DEFAULT_ENDPOINT}/v1/traces`);
    expect(config.sampler).toEqual({ kind: 'always_on', parentBased: true });
    expect(config.spans.maxQueueSize).toBe(2048);
    expect(config.logs.maxQueueSize).toBe(2048);
    // OTEL_TRACES_SAMPLER is not even read: the sampleRatio option takes precedence.
    expect(warnings.map((w) => w.code)).toEqual(Array(4).fill('SL_ERR_SDK_BAD_OPTION'));
    const text = warnings.map((w) => w.message).join('\n');
    expect(text).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(text).toContain('sampleRatio');
    expect(text).toContain('spans.maxQueueSize');
    expect(text).toContain('OTEL_BLRP_MAX_QUEUE_SIZE');
  });

  it('honours OTEL_SDK_DISABLED and shutdownSignals: false', () => {
    const config = resolveConfig({ shutdownSignals: false }, { OTEL_SDK_DISABLED: 'true' });
    expect(config.disabled).toBe(true);
    expect(config.shutdownSignals).toEqual([]);
  });
});

describe('database query text', () => {
  it('is sanitized by default, set by option or SIGHTLINE_DB_QUERY_TEXT, and a bad value warns', async () => {
    expect(resolveConfig({}, {}).dbQueryText).toBe('sanitized');
    expect(
      resolveConfig({ dbQueryText: 'none' }, { SIGHTLINE_DB_QUERY_TEXT: 'raw' }).dbQueryText,
    ).toBe('none');
    expect(resolveConfig({}, { SIGHTLINE_DB_QUERY_TEXT: 'RAW' }).dbQueryText).toBe('raw');
    expect(resolveConfig({}, { SIGHTLINE_DB_QUERY_TEXT: 'all' }).dbQueryText).toBe('sanitized');
    await nextTick();
    expect(warnings).toEqual([
      {
        code: 'SL_ERR_SDK_BAD_OPTION',
        message:
          'SIGHTLINE_DB_QUERY_TEXT should be one of sanitized, raw, none, got "all"; using "sanitized"',
      },
    ]);
  });

  it('turns each database client off on its own', () => {
    const config = resolveConfig({ instrumentations: { pg: false, redis: false } }, {});
    expect(config.instrumentations).toMatchObject({
      pg: false,
      redis: false,
      mysql2: true,
      ioredis: true,
      mongodb: true,
    });
  });
});
