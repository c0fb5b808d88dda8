// A CommonJS Express service as a team writes it in TypeScript: compiled by tsc (node16, to
// CommonJS) in a project with no fastify nor @fastify/otel installed, then started with
//   node --require @sightline/sdk/register express-app.js
import type { AddressInfo } from 'node:net';
import express from 'express';
import { counter, createLogger, getCorrelationId } from '@sightline/sdk';

const log = createLogger();
const requests = counter('app.requests');
const app = express();

app.get('/work', (_req, res) => {
  requests.add(1);
  log.info({ route: '/work' }, 'handled');
  res.json({ correlationId: getCorrelationId() ?? null });
});

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: port })}\n`);
});
