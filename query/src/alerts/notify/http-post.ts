import { fetch, type Response } from 'undici';
import { isRetryableStatus, retryAfterMs } from './backoff.ts';
import { DestinationRefused, type DestinationGuard } from './destinations.ts';
import type { AttemptOutcome } from './outcome.ts';
import { describeError, redactError } from './redact.ts';

export const USER_AGENT = 'Sightline-Alerts/1';
// Enough of a refusal to explain it (Slack answers `invalid_payload`, `no_service`, …).
const ERROR_BODY_BYTES = 512;

export interface PostJsonOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly retryAfterCapMs: number;
  /** Values that must never reach a delivery record, e.g. an Authorization header. */
  readonly secrets?: readonly string[];
  /** Checks every address connected to: no loopback, link-local or private ones unless allowed. */
  readonly guard: DestinationGuard;
}

/** POSTs a JSON body once and says how it went; never throws. */
export async function postJson(
  url: string,
  body: unknown,
  opts: PostJsonOptions,
): Promise<AttemptOutcome> {
  const secrets = opts.secrets ?? [];
  let res: Response;
  try {
    const target = splitCredentials(url, opts.headers ?? {});
    opts.guard.check(target.url);
    res = await fetch(target.url, {
      dispatcher: opts.guard.dispatcher,
      method: 'POST',
      headers: {
        ...target.headers,
        'content-type': 'application/json; charset=utf-8',
        'user-agent': USER_AGENT,
      },
      body: JSON.stringify(body),
      signal: opts.signal,
      // A redirected POST turns into a GET on most receivers; fail loudly instead.
      redirect: 'manual',
    });
  } catch (err) {
    // "fetch failed" is the network (refused, reset, DNS) and may pass later; any other
    // error (a header fetch refuses, a URL it cannot parse) will fail the same way again.
    const refused = err instanceof DestinationRefused ? err : refusedCause(err);
    if (refused) return { ok: false, retryable: false, error: `refused: ${refused.message}` };
    const network = err instanceof TypeError && err.message === 'fetch failed';
    const aborted = opts.signal.aborted;
    return {
      ok: false,
      retryable: network || aborted,
      error: redactError(describeError(err), secrets),
    };
  }
  if (res.status >= 200 && res.status < 300) {
    await discard(res);
    return { ok: true, status: res.status, retryable: false };
  }
  if (res.status >= 300 && res.status < 400) {
    await discard(res);
    const to = res.headers.get('location');
    return {
      ok: false,
      status: res.status,
      retryable: false,
      error: redactError(
        `HTTP ${res.status}: redirected${to ? ` to ${to}` : ''}; point the channel at the final URL`,
        secrets,
      ),
    };
  }
  const snippet = await readSnippet(res);
  const retryAfter =
    res.status === 429 || res.status === 503
      ? retryAfterMs(res.headers.get('retry-after'), opts.retryAfterCapMs)
      : undefined;
  return {
    ok: false,
    status: res.status,
    retryable: isRetryableStatus(res.status),
    error: redactError(`HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`, secrets),
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
  };
}

/**
 * fetch refuses a URL with user:pass@ in it, yet that is how many receivers document basic
 * auth; send it as an Authorization header instead, unless the channel sets one itself.
 */
export function splitCredentials(
  raw: string,
  headers: Readonly<Record<string, string>>,
): { url: string; headers: Readonly<Record<string, string>> } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { url: raw, headers };
  }
  if (url.username === '' && url.password === '') return { url: raw, headers };
  const basic = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  url.username = '';
  url.password = '';
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  return {
    url: url.toString(),
    headers: hasAuth ? headers : { ...headers, authorization: `Basic ${basic}` },
  };
}

const refusedCause = (err: unknown): DestinationRefused | undefined =>
  err instanceof Error && err.cause instanceof DestinationRefused ? err.cause : undefined;

async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    // The body is not needed; a reset while dropping it changes nothing.
  }
}

async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  // undici's web streams are typed without their chunk type.
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still tells what arrived of it.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8').trim();
}
