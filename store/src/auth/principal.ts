import type { Scope } from '@sightline/model/api/auth';
import type { StoredSession } from './sessions.ts';

/** Who made a request: an API key or a signed-in user. */
export type Principal =
  | {
      readonly kind: 'key';
      /** The key's id: what rate limits and logs are keyed by. */
      readonly id: string;
      readonly name: string;
      readonly scopes: ReadonlySet<Scope>;
    }
  | {
      readonly kind: 'session';
      readonly id: string;
      readonly name: string;
      readonly scopes: ReadonlySet<Scope>;
      readonly session: StoredSession;
    };

/** Accounts are administrators: they read and administer, and send no telemetry. */
export const USER_SCOPES: ReadonlySet<Scope> = new Set(['read', 'admin']);
