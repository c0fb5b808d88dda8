import { Type, type Static } from 'typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code, e.g. SL_ERR_NOT_FOUND' }),
      message: Type.String(),
      requestId: Type.Optional(Type.String()),
    }),
  },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Attribute maps as stored: every value is a string. */
export const AttributeMap = Type.Record(Type.String(), Type.String());

/** Nanoseconds since the epoch, as a decimal string (exceeds 2^53). */
export const UnixNanos = Type.String({ pattern: '^[0-9]+$' });
