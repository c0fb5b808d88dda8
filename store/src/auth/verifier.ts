import { SightlineError } from '@sightline/model/errors';
import { hashToken, keyPrefix } from './api-key.ts';
import { listKeys, type AuthStore, type StoredKey } from './keys.ts';
import { USER_SCOPES, type Principal } from './principal.ts';
import { liveSessions, type StoredSession } from './sessions.ts';

export interface VerifierOptions {
  readonly store: AuthStore;
  /** How often the key and session tables are re-read: a revoke elsewhere takes effect by then. */
  readonly refreshMs?: number;
  /** Unknown credentials re-read the tables at most this often (a key made on another instance). */
  readonly missRefreshMs?: number;
  readonly onError?: (err: unknown) => void;
}

/**
 * Checks API keys and session tokens against an in-memory copy of the store's tables, re-read
 * every couple of seconds. Every instance runs one, so a key revoked through any instance stops
 * working everywhere within `refreshMs`, and a request costs a hash and a map lookup.
 */
export class AuthVerifier {
  readonly #store: AuthStore;
  readonly #refreshMs: number;
  readonly #missRefreshMs: number;
  readonly #onError: (err: unknown) => void;
  #keys = new Map<string, StoredKey>();
  #sessions = new Map<string, StoredSession>();
  #loadedAt = 0;
  #loaded = false;
  #refreshing: Promise<void> | null = null;
  #missRead: Promise<void> | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: VerifierOptions) {
    this.#store = opts.store;
    this.#refreshMs = opts.refreshMs ?? 2_000;
    this.#missRefreshMs = opts.missRefreshMs ?? 500;
    this.#onError = opts.onError ?? (() => undefined);
  }

  /** Loads the tables (failing start-up if the store cannot be read) and keeps them fresh. */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch(this.#onError);
    }, this.#refreshMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Re-reads both tables; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const [keys, sessions] = await Promise.all([
          listKeys(this.#store, true),
          liveSessions(this.#store),
        ]);
        this.#keys = new Map(keys.map((k) => [k.hash, k]));
        this.#sessions = new Map(sessions.map((s) => [s.tokenHash, s]));
        this.#loadedAt = Date.now();
        this.#loaded = true;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  /** The key's principal, or undefined for a malformed, unknown or revoked key. */
  async verifyKey(key: string): Promise<Principal | undefined> {
    if (keyPrefix(key) === undefined) return undefined;
    const hash = hashToken(key);
    const found = this.#keys.get(hash) ?? (await this.#afterMiss(() => this.#keys.get(hash)));
    if (!found) return undefined;
    return { kind: 'key', id: found.id, name: found.name, scopes: new Set(found.scopes) };
  }

  async verifySession(token: string): Promise<Principal | undefined> {
    const hash = hashToken(token);
    const found =
      this.#sessions.get(hash) ?? (await this.#afterMiss(() => this.#sessions.get(hash)));
    if (!found || found.expiresMs <= Date.now()) return undefined;
    return {
      kind: 'session',
      id: `user:${found.user}`,
      name: found.user,
      scopes: USER_SCOPES,
      session: found,
    };
  }

  /** This instance knows about its own changes at once; others within `refreshMs`. */
  rememberSession(s: StoredSession): void {
    this.#sessions.set(s.tokenHash, s);
  }

  forgetSession(tokenHash: string): void {
    this.#sessions.delete(tokenHash);
  }

  forgetKey(id: string): void {
    for (const [hash, k] of this.#keys) if (k.id === id) this.#keys.delete(hash);
  }

  /**
   * An unknown credential may be one made on another instance since the last read: re-read, but
   * no more often than `missRefreshMs`, so a flood of bad keys costs the store one read per period
   * (callers in the same period share it).
   */
  async #afterMiss<T>(lookup: () => T | undefined): Promise<T | undefined> {
    this.#missRead ??= (async () => {
      const wait = this.#loaded ? this.#loadedAt + this.#missRefreshMs - Date.now() : 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      await this.refresh();
    })().finally(() => {
      this.#missRead = null;
    });
    try {
      await this.#missRead;
    } catch (err) {
      this.#onError(err);
      if (!this.#loaded) {
        throw new SightlineError(
          'SL_ERR_AUTH_UNAVAILABLE',
          503,
          'credentials cannot be checked: the store is unreachable',
          5,
        );
      }
    }
    return lookup();
  }
}
