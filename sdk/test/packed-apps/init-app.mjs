// An ES module service that configures the SDK in code (`node init-app.mjs`, no preload): init()
// first, then the rest of the app is imported, so its framework is patched as it loads.
import { init } from '@sightline/sdk';

init({ resourceAttributes: { 'app.started_by': 'init' } });
await import('./fastify-app.mjs');
