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

/**
 * Every error body of this surface (both DRF forms: errors.ts picks one per error), named `MedialoopsterError` in
 * `/openapi.json` (openapi-components.ts), as Workstream's and Vionlabs' error bodies are.
 */
export const MedialoopsterError = Type.Union([MlErrors, MlDetail]);

/**
 * Error statuses of this surface beyond those the OpenAPI transform adds to every route (400, 401, 403, 404, 408,
 * 413, 414, 415, 429, 431 with MedialoopsterError, plugins/openapi-document.ts): 406 for an Accept version it does
 * not serve (conventions.ts).
 */
export const mlErrors = { 406: MedialoopsterError } as const;

export const tags = ['medialoopster'];
