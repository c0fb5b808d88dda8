/**
 * The server of the overhead benchmark: fastify hello-world, with whatever instrumentation the
 * process was preloaded with. Prints `{"ready":<port>}` once listening.
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

const app = Fastify();
app.get('/', () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: (app.server.address() as AddressInfo).port })}\n`);
