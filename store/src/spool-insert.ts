import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from './read-pool.ts';

/** Binary formats whose header names the column types, so `file()` needs no structure. */
const SPOOLED = /^(INSERT INTO [^\n]+?) FORMAT (RowBinaryWithNamesAndTypes|Native)\s*$/s;

/**
 * The embedded engine's connection, taking binary insert bodies. chDB's `@clickhouse/client`
 * connection passes an insert body as UTF-8 text, which corrupts binary formats; so the body is
 * written to a file in memory (/dev/shm) and the same statement reads it with `file()`. The
 * insert's settings (its deduplication token) are unchanged, and a replay of the same bytes is
 * deduplicated as before. Other calls go to the session untouched.
 */
export function spoolingConnection(inner: Connection, dataDir: string): Connection {
  const dir = spoolDir(dataDir);
  let seq = 0;
  return {
    ping: (p) => inner.ping(p),
    query: (p) => inner.query(p),
    insert: (p) => inner.insert(p),
    command: (p) => inner.command(p),
    close: async () => {
      await inner.close();
      rmSync(dir, { recursive: true, force: true });
    },
    exec: async (p) => {
      const m = 'values' in p && p.values !== undefined ? SPOOLED.exec(p.query) : null;
      if (!m) return inner.exec(p);
      const chunks: Buffer[] = [];
      for await (const c of p.values as AsyncIterable<Buffer | string>)
        chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
      const file = join(dir, `${process.pid}-${seq++}.bin`);
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      // /dev/shm may be swept while the store runs: make the folder again rather than fail.
      await writeFile(file, body).catch(async () => {
        await mkdir(dir, { recursive: true });
        await writeFile(file, body);
      });
      try {
        return await inner.exec({
          query: `${m[1]} SELECT * FROM file('${file}', ${m[2]})`,
          ...(p.clickhouse_settings ? { clickhouse_settings: p.clickhouse_settings } : {}),
          ...(p.query_params ? { query_params: p.query_params } : {}),
          ...(p.abort_signal ? { abort_signal: p.abort_signal } : {}),
          ...(p.session_id ? { session_id: p.session_id } : {}),
          query_id: p.query_id,
        });
      } finally {
        await unlink(file).catch(() => undefined);
      }
    },
  };
}

/**
 * One folder per data folder, emptied when the store opens it: only one process holds a data
 * folder, so anything left there is from a process that died mid-insert.
 */
function spoolDir(dataDir: string): string {
  const dir = spoolDirFor(dataDir);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { force: true });
  return dir;
}

/** Where the inserts of the store in this data folder are spooled. */
export function spoolDirFor(dataDir: string): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return join(base, `sightline-insert-${id}`);
}
