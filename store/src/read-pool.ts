import type { createClient } from '@clickhouse/client';

/** What `createClient({ connection })` takes: a server's HTTP connection or a chDB session. */
export type Connection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

/**
 * One connection made of several: each call goes to the member with the fewest calls in flight.
 * A chDB session runs one statement at a time, so a dashboard's twelve panel queries on one
 * session queue behind each other; on two sessions of the same folder two run at once.
 * chDB materialises a result before its promise settles, so "in flight" ends there.
 */
export function pooledConnection(members: readonly Connection[]): Connection {
  const first = members[0];
  if (!first) throw new TypeError('a pool needs at least one connection');
  const busy = members.map(() => 0);
  const run = async <R>(call: (c: Connection) => Promise<R>): Promise<R> => {
    let i = 0;
    for (let j = 1; j < members.length; j++) if (busy[j]! < busy[i]!) i = j;
    busy[i]!++;
    try {
      return await call(members[i]!);
    } finally {
      busy[i]!--;
    }
  };
  return {
    ping: (p) => run((c) => c.ping(p)),
    query: (p) => run((c) => c.query(p)),
    insert: (p) => run((c) => c.insert(p)),
    command: (p) => run((c) => c.command(p)),
    exec: (p) => run((c) => c.exec(p)),
    close: async () => {
      await Promise.all(members.map((c) => c.close()));
    },
  };
}
