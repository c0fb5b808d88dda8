import type { FastifyInstance } from 'fastify';

/**
 * Closes a listener: no new connections, idle keep-alive ones closed at once, requests in flight
 * finish. A client that holds a request open past `deadline` (epoch ms) — a half-sent body, a
 * stalled reader — has its connection closed then, so a stop always finishes.
 */
export async function closeBy(app: FastifyInstance, deadline: number): Promise<void> {
  const timer = setTimeout(
    () => app.server.closeAllConnections(),
    Math.max(0, deadline - Date.now()),
  );
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
