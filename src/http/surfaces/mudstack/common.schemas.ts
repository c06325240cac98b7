import { Type, type Static } from '@sinclair/typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const NullableString = Type.Union([Type.String(), Type.Null()]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      fields: Type.Optional(
        Type.Array(Type.Object({ in: Type.String(), pointer: Type.String(), message: Type.String() })),
      ),
      details: Type.Optional(
        Type.Object(
          { locked_by_user_id: Type.Optional(Type.String({ description: 'asset_locked: who holds the lock' })) },
          { additionalProperties: true },
        ),
      ),
    }),
    request_id: Type.String(),
  },
  { $id: 'MudstackError', description: 'Error' },
);

/** Responses every authenticated route may give, for the OpenAPI document. */
export const authErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  429: ErrorBody,
} as const;

export const User = Type.Object({
  id: Type.String(),
  auth0UserID: Type.String(),
  username: Type.String(),
  email: Type.String(),
  firstName: Type.String(),
  lastName: Type.String(),
  avatar_file_id: NullableString,
  defaultAvatar: Type.Integer(),
  industry: NullableString,
  occupation: NullableString,
  company: NullableString,
  emailVerified: Type.Boolean(),
  isActive: Type.Boolean(),
  city: NullableString,
  state: NullableString,
  country: NullableString,
  zipCode: NullableString,
  invited_by_user: Type.Object({}, { additionalProperties: true }),
});
export type UserJson = Static<typeof User>;

export const Ok = Type.Object({ ok: Type.Boolean() });

/**
 * An offset into a list. Bounded like a cursor: SQL drivers take a LIMIT/OFFSET as a 64-bit integer at most, and
 * `offset=1e308` passed a bare `minimum: 0` and came back as a 500.
 */
export const Offset = Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Rows to skip (at least 0).' });

/** Cursor pagination query shared by list endpoints (history, notifications...). */
export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  // A cursor is a row's `sequence`, a 32-bit integer in PostgreSQL: a larger one was never handed out, and comparing
  // the column with it failed there ("out of range for type integer", a 500).
  cursor: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'The `next_cursor` of the previous page.' })),
});
