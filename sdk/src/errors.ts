import { diag } from '@opentelemetry/api';

/** Stable codes for every problem the SDK reports; tests and log searches key on them. */
export type SdkErrorCode =
  | 'SL_ERR_SDK_BAD_OPTION'
  | 'SL_ERR_SDK_ALREADY_STARTED'
  | 'SL_ERR_SDK_WORKER_THREAD'
  | 'SL_ERR_SDK_INSTRUMENTATION_MISSING'
  | 'SL_ERR_SDK_START_FAILED'
  | 'SL_ERR_SDK_TELEMETRY_DROPPED'
  | 'SL_ERR_SDK_SHUTDOWN_TIMEOUT'
  | 'SL_ERR_SDK_SHUTDOWN_FAILED'
  | 'SL_ERR_SDK_LOG_SHIPPING_FAILED';

/**
 * A problem inside the SDK. It is never thrown into the host application: the SDK reports it
 * as a process warning (and through OTel's diag logger) and carries on with a safe default.
 */
export class SightlineSdkError extends Error {
  override readonly name = 'SightlineSdkError';
  readonly code: SdkErrorCode;

  constructor(code: SdkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export const WARNING_TYPE = 'SightlineWarning';

/** Reports an SDK problem without ever throwing (a broken warning listener must not break the app). */
export function reportSdkProblem(error: SightlineSdkError): void {
  try {
    diag.warn(`${error.code}: ${error.message}`);
    process.emitWarning(error.message, { type: WARNING_TYPE, code: error.code });
  } catch {
    // Nothing sensible left to do: telemetry about telemetry must not take the app down.
  }
}

/** Turns an unknown caught value into a short message for a warning. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
