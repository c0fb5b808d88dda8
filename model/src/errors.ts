/** An error a client can act on: a stable code, the HTTP status it maps to, and a clear message. */
export class SightlineError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** Seconds a client should wait before retrying (429/503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, statusCode: number, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'SightlineError';
    this.code = code;
    this.statusCode = statusCode;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const isSightlineError = (e: unknown): e is SightlineError => e instanceof SightlineError;
