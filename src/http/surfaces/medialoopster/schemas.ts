import { Type } from '@sinclair/typebox';

/* Shared response schemas of the medialoopster surface (docs/medialoopster.md). */

const ErrorObject = Type.Object({
  status: Type.String({ description: 'The HTTP status as a string.' }),
  code: Type.String({ description: 'DRF code: not_found, required, invalid, not_authenticated, permission_denied, ...' }),
  detail: Type.String(),
  title: Type.String({ description: 'The reason phrase, or "Validation Error" on field errors.' }),
  source: Type.Optional(Type.Object({ pointer: Type.String() })),
});

/** The list error form of spec §2.1. */
export const MlErrors = Type.Object({ errors: Type.Array(ErrorObject) }, { description: 'medialoopster list error form' });

/** The single error form (`{"detail": ...}`), used where seed 003 shows it. */
export const MlDetail = Type.Object({ detail: Type.String() }, { description: 'medialoopster single error form' });

/** Error responses every authenticated route can give. */
export const mlErrors = {
  400: MlErrors,
  401: MlErrors,
  403: MlErrors,
  404: MlErrors,
  406: MlErrors,
} as const;

export const tags = ['medialoopster'];
