import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DECODE_FACTOR, MemoryBudget, requestWeight } from './memory-budget.ts';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

describe('the receive memory budget', () => {
  it('weighs a request by its declared size, or the body limit when chunked or compressed', () => {
    const limit = 4_000_000;
    expect(requestWeight(req({ 'content-length': '1000' }), limit)).toBe(1000 * DECODE_FACTOR);
    expect(requestWeight(req({}), limit)).toBe(limit * DECODE_FACTOR);
    expect(
      requestWeight(req({ 'content-length': '1000', 'content-encoding': 'gzip' }), limit),
    ).toBe((1000 + limit) * DECODE_FACTOR);
  });

  it('lets one request through alone, refuses what would pass the limit, and takes back', () => {
    const b = new MemoryBudget(100);
    expect(b.tryTake(150)).toBe(true); // alone: allowed by the body limit already
    expect(b.tryTake(1)).toBe(false);
    b.give(150);
    expect(b.tryTake(60)).toBe(true);
    expect(b.tryTake(40)).toBe(true);
    expect(b.tryTake(1)).toBe(false);
    b.give(60);
    expect(b.usedBytes).toBe(40);
    expect(b.tryTake(60)).toBe(true);
  });
});
