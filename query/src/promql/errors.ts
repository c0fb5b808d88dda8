/** Prometheus' error types, as its HTTP API names them in `errorType`. */
export type PromQLErrorType =
  'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable';

/** An error a PromQL request answers with, in Prometheus's vocabulary. */
export class PromQLError extends Error {
  constructor(
    readonly errorType: PromQLErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PromQLError';
  }
}

export const badData = (message: string): PromQLError => new PromQLError('bad_data', message);
