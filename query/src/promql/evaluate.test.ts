import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { PromQLError } from './errors.ts';
import { evaluateInstant, evaluateRange, type PromQLContext } from './evaluate.ts';

// A client whose every query fails as ClickHouse fails: what the error maps to is under test.
const failing = (message: string): ClickHouseClient =>
  ({ query: () => Promise.reject(new Error(message)) }) as unknown as ClickHouseClient;

const ctx = (client: ClickHouseClient, signal?: AbortSignal): PromQLContext => ({
  client,
  database: 'db',
  limits: { maxSeries: 10, maxSamples: 100, timeoutMs: 2_000 },
  signal,
});

async function error(p: Promise<unknown>): Promise<PromQLError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PromQLError);
    return e as PromQLError;
  }
  throw new Error('no error');
}

describe('evaluate errors', () => {
  const unused = failing('no query expected');

  it('refuses bad ranges and expression types as bad_data before reading anything', async () => {
    expect(await error(evaluateRange(ctx(unused), '1', 10, 5, 1))).toMatchObject({
      errorType: 'bad_data',
      message: 'end timestamp must not be before start time',
    });
    expect((await error(evaluateRange(ctx(unused), '1', 0, 5, 0))).message).toMatch(
      /zero or negative query resolution step/,
    );
    expect((await error(evaluateRange(ctx(unused), '1', 0, 11_001_000, 1000))).message).toMatch(
      /exceeded maximum resolution of 11,000 points/,
    );
    // 11,000 whole steps (11,001 points) pass the check and reach the store.
    const most = await error(evaluateRange(ctx(unused), '1', 0, 11_000_000, 1000));
    expect(most).toMatchObject({ errorType: 'execution', message: 'no query expected' });
    expect((await error(evaluateRange(ctx(unused), '"a"', 0, 5, 1))).message).toBe(
      'invalid expression type "string" for range query, must be Scalar or instant Vector',
    );
    expect((await error(evaluateRange(ctx(unused), 'x[5m]', 0, 5, 1))).message).toMatch(
      /invalid expression type "range vector"/,
    );
    expect((await error(evaluateInstant(ctx(unused), 'rate(x)', 0))).errorType).toBe('bad_data');
  });

  it('answers a string literal without reading', async () => {
    expect((await evaluateInstant(ctx(unused), '"größe"', 1500)).data).toEqual({
      resultType: 'string',
      result: [1.5, 'größe'],
    });
  });

  it("maps ClickHouse's timeout to timeout, an abort to canceled, the rest to execution", async () => {
    const timeout = failing(
      'Code: 159. DB::Exception: Timeout exceeded: elapsed 2.1 seconds, maximum: 2. (TIMEOUT_EXCEEDED)',
    );
    expect((await error(evaluateInstant(ctx(timeout), 'up', 0))).errorType).toBe('timeout');
    const aborted = new AbortController();
    aborted.abort();
    expect(
      (
        await error(
          evaluateInstant(ctx(failing('The user aborted a request.'), aborted.signal), 'up', 0),
        )
      ).errorType,
    ).toBe('canceled');
    const other = await error(
      evaluateInstant(ctx(failing('Code: 241. MEMORY_LIMIT_EXCEEDED')), 'up', 0),
    );
    expect(other).toMatchObject({
      errorType: 'execution',
      message: 'Code: 241. MEMORY_LIMIT_EXCEEDED',
    });
  });
});
