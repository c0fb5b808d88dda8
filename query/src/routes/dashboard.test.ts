import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { dashboardRoutes } from './dashboard.ts';

function distWithBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'sightline-secret.txt'), 'secret');
  return dir;
}

async function app(distDir: string) {
  const a = Fastify();
  a.get('/api/v1/health', () => ({ ok: true }));
  await a.register(dashboardRoutes, { distDir });
  return a;
}

describe('dashboard route', () => {
  it('serves index.html for / and deep links, revalidated each time', async () => {
    const a = await app(distWithBuild());
    for (const url of ['/', '/traces/abc?span=1', '/services/check%20out']) {
      const r = await a.inject(url);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.body).toContain('id="root"');
    }
  });

  it('serves hashed assets with their type, cached for good', async () => {
    const r = await (await app(distWithBuild())).inject('/assets/index-abc.js');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/javascript');
    expect(r.headers['cache-control']).toContain('immutable');
  });

  it('leaves /api to the API, answers 404 for missing files and never leaves dist', async () => {
    const a = await app(distWithBuild());
    expect((await a.inject('/api/v1/health')).json()).toEqual({ ok: true });
    expect((await a.inject('/api/v1/nope')).statusCode).toBe(404);
    expect((await a.inject('/assets/missing.js')).statusCode).toBe(404);
    expect((await a.inject('/..%2fsightline-secret.txt')).statusCode).toBe(404);
    expect([400, 404]).toContain((await a.inject('/%E0%A4%A')).statusCode);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const r = await (
      await app(mkdtempSync(join(tmpdir(), 'sightline-empty-')))
    ).inject('/services');
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build -w dashboard');
  });
});
