import type { TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { CorrelationPropagator } from './correlation.ts';
import type { PropagatorName } from './options.ts';

function create(name: PropagatorName): TextMapPropagator {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'b3':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
    case 'b3multi':
      return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
  }
}

/**
 * The configured propagators, then the correlation propagator: it must run after them so it can
 * see whether a parent trace or a baggage correlation id was already extracted.
 */
export function createPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  return new CompositePropagator({
    propagators: [...names.map(create), new CorrelationPropagator()],
  });
}
