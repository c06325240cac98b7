import { Type } from '@sinclair/typebox';
import { User } from './common.schemas.js';

export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const Session = Type.Object({
  user: User,
  csrf_token: Type.String({ description: 'Send it as `x-csrf-token` on every write authenticated by the session cookie.' }),
  expires_at: Type.String({ description: 'When the session ends if it is not used before then (each use extends it).' }),
});

export const PasswordBody = Type.Object(
  {
    current_password: Type.Optional(Type.String({ maxLength: 1024, description: 'Required when the user has a password.' })),
    new_password: Type.String({ maxLength: 1024, description: '10 to 256 characters.' }),
  },
  { additionalProperties: false },
);

export const ApiKey = Type.Object({
  id: Type.String(),
  key: Type.String(),
  name: Type.String(),
  account_id: Type.String(),
  created_at: Type.String(),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
});

export const IssuedApiKey = Type.Object({ ...ApiKey.properties, secret: Type.String({ description: 'Shown once; exchange key + secret at POST /auth/token.' }) });

export const ApiKeyBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const ApiKeyParams = Type.Object({ key_id: Type.String({ maxLength: 200 }) });
