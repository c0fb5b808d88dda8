import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Browser-side defences for the dashboard and the API: a Content-Security-Policy that lets pages
 * load only Sightline's own files and call only its own API (so an injected script or a
 * telemetry value rendered as markup cannot reach elsewhere), no framing (click-jacking), and
 * HSTS when the listener speaks TLS.
 */
export function securityHeaders(app: FastifyInstance, tls: boolean): void {
  void app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // Only our own files, never inline script. 'unsafe-eval' because the dashboard compiles
        // the API's response schemas into validator functions (TypeBox); no data is evaluated.
        scriptSrc: ["'self'", "'unsafe-eval'"],
        // React and recharts set style properties from script, which CSP allows; swagger-ui's
        // page and Vite's CSS use <style> blocks.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    hsts: tls ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  });
}
