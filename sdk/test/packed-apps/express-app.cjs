'use strict';
// A CommonJS Express service as a team writes it, started with
//   node --require @sightline/sdk/register express-app.cjs
const express = require('express');
const { counter, createLogger, getCorrelationId } = require('@sightline/sdk');

const log = createLogger();
const requests = counter('app.requests');
const app = express();

app.get('/work', (_req, res) => {
  requests.add(1);
  log.info({ route: '/work' }, 'handled');
  res.json({ correlationId: getCorrelationId() ?? null });
});

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: server.address().port })}\n`);
});
