import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';

export interface DashboardRouteOptions {
  /** The Vite build output; by default the dashboard workspace's `dist/`. */
  readonly distDir?: string;
}

export const DEFAULT_DASHBOARD_DIST = fileURLToPath(
  new URL('../../../dashboard/dist/', import.meta.url),
);

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Sightline</title>
<p>The dashboard is not built. Run <code>npm run build -w dashboard</code> (<code>npm start</code> does it for you), then reload.
The API is up: <a href="/api/v1/health">/api/v1/health</a>.</p>`;

/**
 * The built single-page app: files under `dist/` as they are, and `index.html` for every other
 * path outside /api so that deep links (/traces/…) load the app. A handful of files, so a small
 * route rather than @fastify/static (its newer releases need Node 22, and it would still need this
 * SPA fallback). Hashed assets are cached for good; index.html is revalidated every time.
 */
export const dashboardRoutes: FastifyPluginCallback<DashboardRouteOptions> = (app, opts, done) => {
  const dist = resolve(opts.distDir ?? DEFAULT_DASHBOARD_DIST);

  async function serve(req: FastifyRequest, reply: FastifyReply) {
    let path: string;
    try {
      path = decodeURIComponent(req.url.split('?')[0] ?? '/');
    } catch {
      return reply.callNotFound();
    }
    if (path === '/api' || path.startsWith('/api/')) return reply.callNotFound();
    if (path === '/prometheus' || path.startsWith('/prometheus/')) return reply.callNotFound();
    const ext = extname(path);
    const file = ext && ext !== '.html' ? resolve(dist, `.${path}`) : resolve(dist, 'index.html');
    if (!file.startsWith(dist + sep)) return reply.callNotFound();
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      if (ext && ext !== '.html') return reply.callNotFound();
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    const immutable = path.startsWith('/assets/');
    return reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  }

  app.get('/', { schema: { hide: true } }, serve);
  app.get('/*', { schema: { hide: true } }, serve);
  done();
};
