// An ES module fastify service, started with
//   node --import @sightline/sdk/register fastify-app.mjs
import Fastify from 'fastify';
import { counter, createLogger, getCorrelationId } from '@sightline/sdk';

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
