import { Type, type Static } from '@sinclair/typebox';

const Sha256 = Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the file, hex' });

/** POST /workspaces/assets/upload (Mudstack §5.2 step 1). `size` and `checksum` are Atelier extensions. */
export const UploadUrlBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 4096, description: 'The file name' }),
  size: Type.Optional(Type.Integer({ minimum: 0, description: 'Exact size in bytes: a PUT of any other length is refused' })),
  checksum: Type.Optional(Sha256),
});

export const UploadUrl = Type.Object(
  {
    signed_url: Type.String({ description: 'PUT the raw bytes here (any or no Content-Type)' }),
    key: Type.String({ description: 'The upload session id: `temp_file_key` of step 3' }),
    expires_at: Type.String({ description: 'The URL and the session expire at this time (Atelier)' }),
  },
  { description: 'Upload URL' },
);

export const SignedPutParams = Type.Object({ session_id: Type.String() });
export const SignedPutQuery = Type.Object({ expires: Type.Optional(Type.String()), sig: Type.Optional(Type.String()) });

/** POST /workspaces/assets/upload/assets (Mudstack §5.2 step 3). */
export const CommitUploadBody = Type.Object({
  temp_file_key: Type.String({ minLength: 1, maxLength: 100 }),
  original_file_name: Type.String({ minLength: 1, maxLength: 4096 }),
  file_location: Type.Optional(Type.String({ maxLength: 4096 })),
  name: Type.Optional(Type.String({ maxLength: 1000 })),
  description: Type.Optional(Type.String({ maxLength: 10000 })),
  asset_id: Type.Optional(Type.String({ minLength: 1 })),
  checksum: Type.Optional(Sha256),
});

export const TusParams = Type.Object({ upload_id: Type.String() });

/** POST /workspaces/import. */
export const ImportBody = Type.Object({
  path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'A file or directory under IMPORT_ROOTS' })),
  url: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'An http(s) URL (IMPORT_URL_ENABLED)' })),
  file_location: Type.Optional(Type.String({ maxLength: 4096, description: 'Folder to import into (default `/`)' })),
});

export const ImportParams = Type.Object({ import_id: Type.String() });

export const ImportState = Type.Object(
  {
    import_id: Type.String(),
    state: Type.Union(['queued', 'running', 'completed', 'failed'].map((s) => Type.Literal(s))),
    source_kind: Type.Union([Type.Literal('path'), Type.Literal('url')]),
    source: Type.String(),
    file_location: Type.String(),
    total: Type.Integer(),
    done: Type.Integer(),
    failed: Type.Integer(),
    errors: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
    asset_ids: Type.Array(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
    finished_at: Type.Union([Type.String(), Type.Null()]),
  },
  { description: 'Import' },
);
export type ImportStateJson = Static<typeof ImportState>;
