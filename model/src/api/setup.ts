import { Type, type Static } from 'typebox';

/** Where services send data to this Sightline, for the dashboard's "send data" hints. */
export const SetupResponse = Type.Object({
  /** OTLP/HTTP base URL of a receive listener in this process; absent when it runs elsewhere. */
  otlpHttp: Type.Optional(Type.String()),
  /** OTLP/gRPC endpoint; absent when off or elsewhere. */
  otlpGrpc: Type.Optional(Type.String()),
  /** True: senders need an ingest key (`authorization: Bearer …`). */
  auth: Type.Boolean(),
});
export type SetupResponse = Static<typeof SetupResponse>;
