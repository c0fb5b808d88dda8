import { traceRequest, logRequest, encode } from '../../collector/bench/otlp-workload.ts';
import { decodeRequest } from '@sightline/collector/receive/decode-body';
import { toRows } from '@sightline/collector/receive/to-rows';
import { DEFAULT_LIMITS } from '@sightline/collector/otlp/values';
import { encodeRows } from '@sightline/store/insert';
const start = BigInt(Date.now() - 60_000) * 1_000_000n;
for (const [sig, kind, mk] of [
  ['traces', 'spans', traceRequest],
  ['logs', 'logs', logRequest],
] as const) {
  const rows = Array.from(
    { length: 40 },
    () =>
      toRows(
        sig,
        decodeRequest(sig, 'protobuf', encode(sig, mk(1000, start), 'protobuf')),
        DEFAULT_LIMITS,
      ).batch[kind],
  ).flat();
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += 20000)
      encodeRows(kind, rows.slice(i, i + 20000) as never);
    console.log(kind, (rows.length / ((performance.now() - t0) / 1000)).toFixed(0));
  }
}
