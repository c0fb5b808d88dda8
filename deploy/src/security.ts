import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Scope } from '@sightline/model/api/auth';
import { SightlineError } from '@sightline/model/errors';
import type { Authenticate, GuardedRoute } from '@sightline/collector/receive/auth';
import type { QueryAuthOptions, QueryGuardedRoute } from '@sightline/query/auth/guard';
import { authenticateKey, type Headers } from '@sightline/store/auth/authenticate';
import { bootstrapAdmin, ADMIN_USER } from '@sightline/store/auth/users';
import { AuthVerifier } from '@sightline/store/auth/verifier';
import type { StoreClients } from '@sightline/store/client-factory';
import { isLoopback, type SightlineConfig } from './config.ts';

/** Auth is what makes a listener beyond loopback safe; without it start-up stops and says so. */
export function checkSecurity(config: SightlineConfig): void {
  const { auth } = config.security;
  if (auth === 'off' && !isLoopback(config.host)) {
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      `SIGHTLINE_HOST=${config.host} with SIGHTLINE_AUTH=off: listening beyond loopback needs authentication; set SIGHTLINE_AUTH=on (and create API keys), or use 127.0.0.1 or ::1`,
    );
  }
  const needsStore = !(['ingest', 'query', 'alerting'] as const).some((r) => config.roles.has(r));
  if (auth === 'on' && needsStore && config.clickhouseUrl === undefined) {
    throw new SightlineError(
      'SL_ERR_CONFIG',
      1,
      'SIGHTLINE_AUTH=on: a receive-only process checks API keys in the store, and the embedded store belongs to the ingest process; set SIGHTLINE_CLICKHOUSE_URL',
    );
  }
}

/** The certificate and key every listener serves, read once at start-up. */
export function readTls(config: SightlineConfig): { cert: Buffer; key: Buffer } | undefined {
  const { tlsCertFile, tlsKeyFile } = config.security;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) return undefined;
  const read = (path: string, env: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new SightlineError('SL_ERR_CONFIG', 1, `${env}=${path}: ${(err as Error).message}`);
    }
  };
  return {
    cert: read(tlsCertFile, 'SIGHTLINE_TLS_CERT'),
    key: read(tlsKeyFile, 'SIGHTLINE_TLS_KEY'),
  };
}

export interface RunningAuth {
  readonly verifier: AuthVerifier;
  /** For the receive listener (HTTP). */
  readonly authenticate: Authenticate;
  /** For the OTLP/gRPC listener: every call needs `ingest`. */
  readonly authenticateGrpc: (headers: Headers) => Promise<unknown>;
  readonly query: QueryAuthOptions;
  /** Every route of each listener and what it needs, as registered (tests enumerate these). */
  readonly routes: { readonly receive: GuardedRoute[]; readonly query: QueryGuardedRoute[] };
}

/**
 * Auth on: starts the key/session verifier on the store, and on a process serving the dashboard
 * makes the `admin` account on first start. A generated password never goes to the log (logs
 * are shipped and kept): it is written to a file in the data folder that only this user can read.
 */
export async function startAuth(
  config: SightlineConfig,
  store: StoreClients,
  logger: FastifyBaseLogger,
): Promise<RunningAuth> {
  const verifier = new AuthVerifier({
    store,
    onError: (err) => logger.warn({ err }, 'auth: re-reading keys and sessions failed'),
  });
  await verifier.start();
  if (config.roles.has('query')) {
    const made = await bootstrapAdmin(store, config.security.adminPassword);
    if (made.created && made.generated) {
      const file = writeGeneratedPassword(config.dataDir, made.password);
      logger.warn(
        { user: ADMIN_USER, file },
        `auth: created the admin account with a generated password; read it from ${file} (readable by this user only), sign in, and delete the file`,
      );
    } else if (made.created) {
      logger.info(
        { user: ADMIN_USER },
        'auth: created the admin account (SIGHTLINE_ADMIN_PASSWORD)',
      );
    }
  }
  return {
    verifier,
    authenticate: (headers, scope: Scope) => authenticateKey(verifier, headers, scope),
    authenticateGrpc: (headers) => authenticateKey(verifier, headers, 'ingest'),
    query: {
      verifier,
      store,
      secureCookies: config.security.tlsCertFile !== undefined,
      sessionTtlSeconds: config.security.sessionHours * 3600,
      rateLimitPerMinute: config.security.rateLimitPerMinute,
    },
    routes: { receive: [], query: [] },
  };
}

/** The file holding a generated admin password: mode 0600, replaced if an old one is there. */
export const ADMIN_PASSWORD_FILE = 'admin-password.txt';

function writeGeneratedPassword(dataDir: string, password: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, ADMIN_PASSWORD_FILE);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
