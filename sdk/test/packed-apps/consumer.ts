// A TypeScript service's use of the public API, type-checked in a project that installed only
// the packed SDK (and @types/node): under node16 as CommonJS, nodenext as ESM, and bundler
// resolution, with skipLibCheck off, so every shipped declaration is checked too.
import {
  counter,
  createLogger,
  forceFlush,
  gauge,
  getCorrelationId,
  getDroppedCounts,
  histogram,
  init,
  shutdown,
  SightlineSdkError,
  withSpan,
  type DroppedCounts,
  type SightlineOptions,
  type SightlineSdk,
} from '@sightline/sdk';

const options: SightlineOptions = {
  service: 'typed',
  endpoint: 'http://127.0.0.1:4318',
  sampleRatio: 0.5,
  instrumentations: { fastify: false, kafkajs: false },
  ignoreIncomingPaths: ['/health', /^\/internal\//],
  logs: { maxQueueSize: 100 },
};
const sdk: SightlineSdk = init(options);
// @ts-expect-error: a ratio is a number; if the declarations were missing or `any`, this line
// would not be an error and tsc would fail on the unused directive.
init({ sampleRatio: 'all' });

const log = createLogger({ level: 'debug' });
const orders = counter('orders.placed', { unit: '{order}' });
const latency = histogram('charge.duration', { unit: 'ms' });
gauge('queue.depth').set(3);

export async function work(): Promise<string | undefined> {
  const id = await withSpan('charge card', async (span) => {
    orders.add(1, { country: 'NL' });
    latency.record(12.5);
    span.setAttribute('order.id', 'o-1');
    log.info({ service: sdk.config.service }, 'charging');
    return Promise.resolve(getCorrelationId());
  });
  const dropped: DroppedCounts = getDroppedCounts();
  if (dropped.spans > 0) throw new SightlineSdkError('SL_ERR_SDK_TELEMETRY_DROPPED', 'lost');
  await forceFlush();
  await shutdown(5000);
  return id;
}
