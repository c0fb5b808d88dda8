/** A client that stalls mid-request is cut off after this (Node's own default waits 300 s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Options for a fastify HTTP/1.1 listener (plain or TLS) that cut off slow clients: headers must
 * arrive within `requestTimeoutMs` (at most 60 s), the whole request within `requestTimeoutMs`,
 * answered 408 otherwise. Node checks those deadlines only every `connectionsCheckingInterval`
 * (30 s by default), and its header deadline must not exceed the request deadline, so both are
 * set here: the 408 then comes within a second of the deadline.
 */
export function requestTimeoutOptions(
  requestTimeoutMs: number,
  tls: { readonly cert: Buffer; readonly key: Buffer } | undefined,
) {
  const server = {
    headersTimeout: Math.min(requestTimeoutMs, 60_000),
    connectionsCheckingInterval: Math.min(1_000, Math.max(100, Math.floor(requestTimeoutMs / 2))),
  };
  return {
    requestTimeout: requestTimeoutMs,
    ...(tls ? { https: { ...tls, ...server } } : { http: server }),
  };
}
