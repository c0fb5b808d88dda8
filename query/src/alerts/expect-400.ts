import { expect } from 'vitest';
import { SightlineError } from '@sightline/model/errors';

/** For tests: the message of the 400 SightlineError `fn` throws; fails the test otherwise. */
export function message400(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SightlineError);
    expect((err as SightlineError).statusCode).toBe(400);
    return (err as SightlineError).message;
  }
  throw new Error('expected a 400');
}
