import { Type, type Static } from 'typebox';

/** One dependency a process needs before it should get traffic. */
export const ReadyCheck = Type.Object({
  ok: Type.Boolean(),
  error: Type.Optional(Type.String()),
});
export type ReadyCheck = Static<typeof ReadyCheck>;

/** GET /ready: 200 when every dependency of this process's roles answers, else 503. */
export const ReadyResponse = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
  checks: Type.Record(Type.String(), ReadyCheck),
});
export type ReadyResponse = Static<typeof ReadyResponse>;
