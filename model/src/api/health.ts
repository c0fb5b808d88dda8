import { Type, type Static } from 'typebox';

export const HealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  store: Type.Object({
    kind: Type.Union([Type.Literal('embedded'), Type.Literal('server')]),
    ok: Type.Boolean(),
    error: Type.Optional(Type.String()),
  }),
  version: Type.String(),
});
export type HealthResponse = Static<typeof HealthResponse>;
