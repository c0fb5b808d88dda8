// Container health check. The query listener answers on /api/v1/health, an ingest-only process's
// ops listener on /health (both on the API port), a receive-only process on the OTLP port's
// /health. Any 2xx within the timeout is healthy.
const api = process.env.SIGHTLINE_API_PORT ?? '8080';
const otlp = process.env.SIGHTLINE_OTLP_PORT ?? '4318';
const urls = [
  `http://127.0.0.1:${api}/api/v1/health`,
  `http://127.0.0.1:${api}/health`,
  `http://127.0.0.1:${otlp}/health`,
];
for (const url of urls) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (res.ok) process.exit(0);
  } catch {
    // not listening there: try the next one
  }
}
process.exit(1);
