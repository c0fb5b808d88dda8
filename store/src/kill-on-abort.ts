import { randomUUID } from 'node:crypto';
import type { Connection } from './read-pool.ts';

/**
 * Reads whose abort signal fires are stopped in the engine, not only abandoned: chDB rejects an
 * aborted call's promise but lets the query run on (a 20 s PromQL query whose client hung up ran
 * its 20 s). Each read with a signal carries a marker in `log_comment`, and on abort
 * `KILL QUERY` for that marker goes through `killer`, another session (the one running the read
 * takes one statement at a time).
 */
export function killOnAbort(conn: Connection, killer: Connection): Connection {
  return {
    ping: (p) => conn.ping(p),
    insert: (p) => conn.insert(p),
    command: (p) => conn.command(p),
    exec: (p) => conn.exec(p),
    close: () => conn.close(),
    async query(p) {
      const signal = p.abort_signal;
      if (signal === undefined) return conn.query(p);
      const marker = `sightline-read-${randomUUID()}`;
      const kill = () => {
        killer
          .command({
            query: `KILL QUERY WHERE Settings['log_comment'] = '${marker}' ASYNC`,
            query_id: randomUUID(),
          })
          .catch(() => undefined);
      };
      signal.addEventListener('abort', kill, { once: true });
      try {
        return await conn.query({
          ...p,
          clickhouse_settings: { ...p.clickhouse_settings, log_comment: marker },
        });
      } finally {
        signal.removeEventListener('abort', kill);
      }
    },
  };
}
