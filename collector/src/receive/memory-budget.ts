import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SightlineError } from '@sightline/model/errors';

/**
 * How many times its size on the wire a request may take in memory while it is read,
 * decompressed and decoded: the raw body, the decompressed bytes, and the decoded objects
 * (JavaScript strings and objects of OTLP run at about twice the bytes they came from).
 */
export const DECODE_FACTOR = 4;

/** Bytes reserved by requests being read and decoded; a request that does not fit is refused. */
export class MemoryBudget {
  private used = 0;
  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  tryTake(bytes: number): boolean {
    // One request alone may always go through, however large: it was allowed by the body limit.
    if (this.used > 0 && this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/**
 * The memory a request may need, judged from its headers before a byte of its body is read: its
 * declared length (or the body limit when it is chunked), and when it is compressed, the body
 * limit it may decompress to; all times the decode factor.
 */
export function requestWeight(req: FastifyRequest, bodyLimitBytes: number): number {
  const declared = Number(req.headers['content-length']);
  const wire = Number.isFinite(declared) && declared >= 0 ? declared : bodyLimitBytes;
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decompressed = encoding === 'identity' || encoding === '' ? 0 : bodyLimitBytes;
  return (wire + decompressed) * DECODE_FACTOR;
}

const reserved = new WeakMap<FastifyRequest, number>();

/**
 * Refuses a POST with 429 and Retry-After before its body is buffered when the requests already
 * in memory would pass the budget, so memory stays bounded by the budget and not by the number of
 * clients. The reservation is returned when the response is sent or the client goes away.
 */
export function limitMemoryInFlight(
  app: FastifyInstance,
  budget: MemoryBudget,
  bodyLimitBytes: number,
): void {
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.method !== 'POST') {
      done();
      return;
    }
    const weight = requestWeight(req, bodyLimitBytes);
    if (!budget.tryTake(weight)) {
      done(
        new SightlineError(
          'SL_ERR_OVERLOADED',
          429,
          `too much data is being received at once (${mib(budget.usedBytes)} of ${mib(budget.limitBytes)} MiB in use); send again after Retry-After`,
          1,
        ),
      );
      return;
    }
    reserved.set(req, weight);
    done();
  });
  const release = (req: FastifyRequest) => {
    const weight = reserved.get(req);
    if (weight === undefined) return;
    reserved.delete(req);
    budget.give(weight);
  };
  app.addHook('onResponse', (req, _reply, done) => {
    release(req);
    done();
  });
  app.addHook('onRequestAbort', (req, done) => {
    release(req);
    done();
  });
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
