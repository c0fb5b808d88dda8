import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreClients, type StoreClients } from '../client-factory.ts';
import { migrate } from '../migrate.ts';
import { verifyPassword } from './password.ts';
import { ADMIN_USER, bootstrapAdmin, countUsers, findUser } from './users.ts';

const retention = { tracesDays: 7, logsDays: 7, metricsDays: 30 };
let store: StoreClients;
let db = 0;

/** A fresh, empty database of the one embedded store for each test. */
async function emptyStore() {
  const database = `sl_users_${++db}`;
  await migrate(store.writer, database, retention);
  return { writer: store.writer, reader: store.reader, database };
}

beforeAll(() => {
  store = createStoreClients({
    dataDir: mkdtempSync(join(tmpdir(), 'sl-users-')),
    database: 'sl_users_0',
  });
});
afterAll(async () => store?.close());

describe('bootstrapAdmin', () => {
  it('creates admin once, with a generated password that signs in; later starts leave it', async () => {
    const s = await emptyStore();
    const first = await bootstrapAdmin(s, undefined, 0);
    expect(first).toMatchObject({ created: true, generated: true });
    const stored = await findUser(s, ADMIN_USER);
    expect(first.created && (await verifyPassword(first.password, stored!.passwordHash))).toBe(
      true,
    );
    expect(await bootstrapAdmin(s, 'another-password', 0)).toEqual({ created: false });
    expect((await findUser(s, ADMIN_USER))?.passwordHash).toBe(stored?.passwordHash);
  });

  it('lets only one of several instances starting together claim the account and show its password', async () => {
    const s = await emptyStore();
    // All of them find no user before any of them has written one.
    const results = await Promise.all([1, 2, 3].map(() => bootstrapAdmin(s, undefined, 300)));
    const claimed = results.filter((r) => r.created);
    expect(claimed).toHaveLength(1);
    const stored = await findUser(s, ADMIN_USER);
    expect(await verifyPassword(claimed[0]!.password, stored!.passwordHash)).toBe(true);
    expect(await countUsers(s)).toBe(1);
  });
});
