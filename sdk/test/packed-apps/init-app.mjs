// An ES module service that configures the SDK in code (`node init-app.mjs`, no preload): init()
// first, then the framework is imported, so its instrumentation is in place when it loads.
import { counter, createLogger, getCorrelationId, init } from '@sightline/sdk';

init({ resourceAttributes: { 'app.started_by': 'init' } });
const { default: Fastify } = await import('fastify');

const log = createLogger();
const requests = counter('app.requests');
const app = Fastify();

app.get('/work', async () => {
  requests.add(1);
  log.info({ route: '/work' }, 'handled');
  return { correlationId: getCorrelationId() ?? null };
});

await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: app.server.address().port })}\n`);
