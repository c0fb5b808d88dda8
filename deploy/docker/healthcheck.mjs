// Container health check: healthy once EVERY listener this process's roles open answers 2xx — the
// OTLP port's /health (receive), the API port's /api/v1/health (query; 503 while the store is
// unreachable) or, with neither role, the ops listener's /health on the API port. Any one of them
// was not enough: an all-in-one process opens the OTLP port seconds before the API and dashboard.
// With SIGHTLINE_TLS_CERT set every listener speaks TLS; the check talks to its own process over
// loopback, so it does not verify the certificate (issued for the public name). It reads settings
// from the environment only: an image run with `--api-port …` flags needs the variables instead.
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

const env = process.env;
const api = env.SIGHTLINE_API_PORT || '8080';
const otlp = env.SIGHTLINE_OTLP_PORT || '4318';
const tls = Boolean(env.SIGHTLINE_TLS_CERT);
const scheme = tls ? 'https' : 'http';
const bound = env.SIGHTLINE_HOST || '127.0.0.1';
// Bound to every address: reach it over loopback. Bound to one address: only that one answers.
const host = ['0.0.0.0', '::'].includes(bound) ? '127.0.0.1' : bound.replace(/^\[|\]$/g, '');
const target = host.includes(':') ? `[${host}]` : host;
const listed = (env.SIGHTLINE_ROLES || 'all')
  .split(',')
  .map((r) => r.trim())
  .filter((r) => r !== '');
const all = listed.length === 1 && listed[0] === 'all';
const has = (role) => all || listed.includes(role);

const urls = [];
if (has('receive')) urls.push(`${scheme}://${target}:${otlp}/health`);
if (has('query')) urls.push(`${scheme}://${target}:${api}/api/v1/health`);
else if (!has('receive')) urls.push(`${scheme}://${target}:${api}/health`);

function answers(url) {
  return new Promise((resolve) => {
    const get = tls ? httpsGet : httpGet;
    const req = get(url, { timeout: 3000, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 300);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', () => resolve(false));
  });
}

const results = await Promise.all(urls.map(answers));
process.exit(results.every(Boolean) ? 0 : 1);
