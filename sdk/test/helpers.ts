import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { afterEach, beforeEach } from 'vitest';

export interface PlainResponse {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * An HTTP call from outside any trace, like a browser or curl would make: tracing is suppressed
 * for it, so the fetch instrumentation adds no span and no `traceparent`.
 */
export function callFromOutside(
  url: string,
  headers: Record<string, string> = {},
): Promise<PlainResponse> {
  return context.with(suppressTracing(context.active()), async () => {
    const response = await fetch(url, { headers });
    return { status: response.status, headers: response.headers, body: await response.text() };
  });
}

export async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Lines a pino logger wrote to a capturing destination, parsed. */
export class CapturedLines {
  readonly raw: string[] = [];
  readonly destination = { write: (line: string): void => void this.raw.push(line) };

  get parsed(): Record<string, unknown>[] {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface CapturedWarning {
  code?: string;
  message: string;
}

/** The process warnings of the running test: emptied before each test, listened to during it. */
export function captureWarnings(): CapturedWarning[] {
  const warnings: CapturedWarning[] = [];
  const onWarning = (w: Error & { code?: string }): void =>
    void warnings.push({ code: w.code, message: w.message });
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });
  return warnings;
}

/** process.emitWarning delivers on the next tick. */
export const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));
