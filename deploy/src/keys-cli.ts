import { SCOPES, type Scope } from '@sightline/model/api/auth';
import { SightlineError } from '@sightline/model/errors';
import { createKey, listKeys, revokeKey } from '@sightline/store/auth/keys';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { loadConfig } from './config.ts';

export const KEYS_USAGE = `Usage:
  sightline keys create --name NAME --scope ingest[,read,admin] [store flags]
  sightline keys list [store flags]
  sightline keys revoke ID_OR_PREFIX [store flags]

Store flags and variables are the server's (--data-dir, --clickhouse-url, --database, …).
`;

export interface CliOutput {
  out(text: string): void;
}

const usage = (message: string): never => {
  throw new SightlineError('SL_ERR_USAGE', 2, `${message}\n\n${KEYS_USAGE}`);
};

function parseScopes(raw: string | undefined): Scope[] {
  if (!raw) return usage('--scope is required');
  const scopes = raw.split(',').map((s) => s.trim());
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (bad.length > 0 || scopes.length === 0) {
    return usage(`--scope: expected a comma-separated list of ${SCOPES.join(', ')}, got '${raw}'`);
  }
  return [...new Set(scopes as Scope[])];
}

/** chDB holds its folder for one process; the running server's folder is reached through its API. */
function explainLocked(err: unknown, dataDir: string): never {
  const message = (err as Error).message ?? String(err);
  // chDB reports a held folder as "Cannot lock file" or, when connecting, "Failed to create connection".
  if (/cannot lock|failed to create connection/i.test(message)) {
    throw new SightlineError(
      'SL_ERR_STORE_IN_USE',
      1,
      `the data folder ${dataDir} is in use by another process (a running Sightline holds it). ` +
        'Manage keys through that server instead: POST/GET /api/v1/keys and DELETE /api/v1/keys/<id> with an admin key or a signed-in session.',
    );
  }
  throw err;
}

/** `sightline keys …`: creates, lists and revokes API keys directly in the configured store. */
export async function runKeysCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliOutput,
): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== 'create' && command !== 'list' && command !== 'revoke') {
    return usage(command ? `unknown keys command '${command}'` : 'a keys command is required');
  }
  // --name and --scope are ours, bare words are arguments, every other flag is a server setting
  // (all of which take a value).
  const own: Record<string, string> = {};
  const positionals: string[] = [];
  const settings: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const m = /^--(name|scope)(?:=(.*))?$/.exec(arg);
    if (m) {
      const value = m[2] ?? rest[++i];
      own[m[1]!] = value ?? usage(`--${m[1]} needs a value`);
    } else if (arg.startsWith('--')) {
      settings.push(arg);
      if (!arg.includes('=') && i + 1 < rest.length) settings.push(rest[++i]!);
    } else {
      positionals.push(arg);
    }
  }
  const config = loadConfig(settings, env);
  const { name, scope } = own;

  let store: StoreClients;
  try {
    store = createStoreClients({
      url: config.clickhouseUrl,
      dataDir: config.dataDir,
      database: config.database,
    });
  } catch (err) {
    return explainLocked(err, config.dataDir);
  }
  try {
    await migrate(store.writer, config.database, config.retention).catch((err: unknown) =>
      explainLocked(err, store.location),
    );
    if (command === 'create') {
      const { key, stored } = await createKey(store, {
        name: name ?? usage('--name is required'),
        scopes: parseScopes(scope),
        createdBy: 'cli',
      });
      io.out(
        `Created API key '${stored.name}' (id ${stored.id}, scopes ${stored.scopes.join(',')}).\n` +
          `Key (shown only now): ${key}\n`,
      );
    } else if (command === 'list') {
      const keys = await listKeys(store);
      const lines = keys.map(
        (k) =>
          `${k.id}  sl_${k.prefix}_…  ${k.name}  ${k.scopes.join(',')}  created ${k.createdAt}` +
          (k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''),
      );
      io.out(lines.length > 0 ? `${lines.join('\n')}\n` : 'No API keys.\n');
    } else {
      const target = positionals[0] ?? usage('revoke needs the key id or prefix');
      const r = await revokeKey(store, target);
      if (r.status === 'not-found') {
        throw new SightlineError(
          'SL_ERR_KEY_NOT_FOUND',
          1,
          `no API key with id or prefix '${target}'`,
        );
      }
      if (r.status === 'ambiguous') {
        throw new SightlineError(
          'SL_ERR_KEY_AMBIGUOUS',
          1,
          `${r.matches} keys share the prefix '${target}'; revoke by id`,
        );
      }
      io.out(
        r.status === 'revoked'
          ? `Revoked API key '${r.key.name}' (sl_${r.key.prefix}_…); running servers refuse it within seconds.\n`
          : `API key '${r.key.name}' was already revoked at ${r.key.revokedAt}.\n`,
      );
    }
  } finally {
    await store.close();
  }
}
