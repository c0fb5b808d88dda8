/** What one attempt to reach one channel came to; the dispatcher turns it into a DeliveryResult. */
export interface AttemptOutcome {
  readonly ok: boolean;
  /** HTTP status, or the SMTP reply code for email. */
  readonly status?: number;
  /** Short and redacted (redact.ts). */
  readonly error?: string;
  /** Whether trying again may succeed; a 4xx other than 408/429 never will. */
  readonly retryable: boolean;
  /** The receiver's Retry-After, already capped. */
  readonly retryAfterMs?: number;
}
