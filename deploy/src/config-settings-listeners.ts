import { DEFAULT_REQUEST_TIMEOUT_MS } from '@sightline/model/http-timeouts';
import { int } from './config-parsers.ts';

/**
 * What the listeners accept and how long they wait: part of SETTINGS (config-settings.ts), in
 * this order in `sightline --help`.
 */
export const LISTENER_SETTINGS = {
  timestampFutureMinutes: {
    env: 'SIGHTLINE_TIMESTAMP_FUTURE_MINUTES',
    flag: 'timestamp-future-minutes',
    parse: int(1, 10_080),
    fallback: 60,
    help: 'items timed further ahead than this (or older than their retention) are refused',
  },
  receiveMemoryMiB: {
    env: 'SIGHTLINE_RECEIVE_MEMORY_MIB',
    flag: 'receive-memory-mib',
    parse: int(16, 65_536),
    fallback: 256,
    help: 'memory OTLP/HTTP requests being read and decoded may take; beyond it they get 429',
  },
  requestTimeoutMs: {
    env: 'SIGHTLINE_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    parse: int(100, 3_600_000),
    fallback: DEFAULT_REQUEST_TIMEOUT_MS,
    help: 'a request whose headers and body have not all arrived by then is answered 408',
  },
  drainTimeoutMs: {
    env: 'SIGHTLINE_DRAIN_TIMEOUT_MS',
    flag: 'drain-timeout-ms',
    parse: int(0, 600_000),
    fallback: 8_000,
    help: 'on stop, connections still open this long after it began are closed',
  },
};
