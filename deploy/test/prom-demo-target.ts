import { createServer, type Server } from 'node:http';

/**
 * A scrape target for the real-Prometheus test, in OpenMetrics (the format that carries UNIT).
 * What it exposes changes with each scrape so that Prometheus records the cases that matter:
 * zeros, NaN, infinities, a counter that restarts from zero every sixth scrape, a histogram with
 * HELP, UNIT and TYPE, non-ASCII text, and a series that comes and goes (so Prometheus writes
 * stale markers for it).
 */
export interface DemoTarget {
  readonly server: Server;
  /** Scrapes answered so far. */
  scrapes(): number;
}

export const DEMO_HELP = {
  jobs: 'Jobs done — restarts from zero every sixth scrape ✓',
  latency: 'Latency of démo requests.',
};

function exposition(n: number): string {
  const lines = [
    '# TYPE demo_zero gauge',
    '# HELP demo_zero Always zero.',
    'demo_zero 0',
    '# TYPE demo_nan gauge',
    '# HELP demo_nan Not a number, on purpose.',
    'demo_nan NaN',
    '# TYPE demo_inf gauge',
    'demo_inf{sign="pos"} +Inf',
    'demo_inf{sign="neg"} -Inf',
    '# TYPE demo_jobs counter',
    `# HELP demo_jobs ${DEMO_HELP.jobs}`,
    `demo_jobs_total{queue="größe"} ${3 * (n % 6)}`,
    '# TYPE demo_latency_seconds histogram',
    '# UNIT demo_latency_seconds seconds',
    `# HELP demo_latency_seconds ${DEMO_HELP.latency}`,
    `demo_latency_seconds_bucket{le="0.1"} ${n}`,
    `demo_latency_seconds_bucket{le="1"} ${2 * n}`,
    `demo_latency_seconds_bucket{le="+Inf"} ${3 * n}`,
    `demo_latency_seconds_count ${3 * n}`,
    `demo_latency_seconds_sum ${n * 0.7}`,
  ];
  if (n % 4 < 2) lines.push('# TYPE demo_flappy gauge', `demo_flappy ${n % 4 === 0 ? -0.5 : 1e-9}`);
  return `${lines.join('\n')}\n# EOF\n`;
}

export function startDemoTarget(): Promise<DemoTarget> {
  let n = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const body = exposition(n++);
    res.writeHead(200, {
      'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8',
    });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, scrapes: () => n }));
  });
}
