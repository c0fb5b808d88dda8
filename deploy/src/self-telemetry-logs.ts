import { context, trace } from '@opentelemetry/api';
import type { FastifyBaseLogger } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import { DEFAULT_LINE_KEYS } from '../../sdk/src/log-shipper.ts';
import { logShipper } from '../../sdk/src/logger.ts';

const LEVEL = /"level":(\d+)/;

/** pino's numeric level of a serialised line; lines without one are shipped (NaN fails no test). */
function levelOf(line: string): number {
  const match = LEVEL.exec(line.slice(0, 64));
  return match ? Number(match[1]) : Number.NaN;
}

type StreamHolder = Record<symbol, DestinationStream | undefined>;

/**
 * Ships the server's own log lines of at least `minLevel` (pino's numbers: 30 info, 40 warn)
 * through the SDK's log path, besides printing them as before. The logger was built by the caller,
 * so its destination is swapped for one that also hands each line to the SDK; every child logger
 * (fastify's, each role's) reads the destination from its root, so they all follow.
 * Returns a function that puts the original destination back.
 */
export function shipServerLogs(logger: FastifyBaseLogger, minLevel: number): () => void {
  const holder = logger as unknown as StreamHolder;
  const key = pino.symbols.streamSym;
  const local = holder[key];
  // Not a pino logger: nothing to tee, and no reason to stop Sightline over it.
  if (local === undefined || typeof local.write !== 'function') return () => undefined;
  const tee: DestinationStream & { flush?: (cb?: (err?: Error) => void) => void } = {
    write(line: string) {
      local.write(line);
      if (!(levelOf(line) < minLevel) && logShipper.active) {
        logShipper.push(line, trace.getSpanContext(context.active()), DEFAULT_LINE_KEYS);
      }
    },
    flush(cb?: (err?: Error) => void) {
      logShipper.drain();
      const flushable = local as DestinationStream & { flush?: (cb?: (e?: Error) => void) => void };
      if (typeof flushable.flush === 'function') flushable.flush(cb);
      else cb?.();
    },
  };
  holder[key] = tee;
  return () => {
    if (holder[key] === tee) holder[key] = local;
  };
}
