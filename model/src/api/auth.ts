import { Type, type Static } from 'typebox';

/** What a credential may do: send telemetry, read it (API, dashboard), or administer Sightline. */
export const SCOPES = ['ingest', 'read', 'admin'] as const;
export const Scope = Type.Union([
  Type.Literal('ingest'),
  Type.Literal('read'),
  Type.Literal('admin'),
]);
export type Scope = (typeof SCOPES)[number];

export const ApiKeyInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The part of the key shown in lists: sl_<prefix>_…' }),
  scopes: Type.Array(Scope),
  createdAt: Type.String({ description: 'ISO 8601' }),
  createdBy: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ApiKeyInfo = Static<typeof ApiKeyInfo>;

export const CreateKeyRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 3, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type CreateKeyRequest = Static<typeof CreateKeyRequest>;

export const CreatedKeyResponse = Type.Object({
  key: Type.String({ description: 'The whole key; shown this once and never again' }),
  info: ApiKeyInfo,
});
export type CreatedKeyResponse = Static<typeof CreatedKeyResponse>;

export const KeyListResponse = Type.Object({ keys: Type.Array(ApiKeyInfo) });
export type KeyListResponse = Static<typeof KeyListResponse>;

export const KeyIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, description: 'Key id or prefix' }),
});

export const SignInRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type SignInRequest = Static<typeof SignInRequest>;

export const WhoAmIResponse = Type.Object({
  kind: Type.Union([Type.Literal('session'), Type.Literal('key'), Type.Literal('anonymous')]),
  name: Type.String(),
  scopes: Type.Array(Scope),
  /** Sessions only: send it back as x-csrf-token on every request that changes something. */
  csrfToken: Type.Optional(Type.String()),
  authEnabled: Type.Boolean(),
});
export type WhoAmIResponse = Static<typeof WhoAmIResponse>;

export const SignedOutResponse = Type.Object({ signedOut: Type.Boolean() });
