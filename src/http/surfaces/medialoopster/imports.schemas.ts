import { Type } from '@sinclair/typebox';
import { IsoMicros } from './conventions.js';

/* ImportLogs and the asynchronous import, archive and restore (spec §2.3.7; docs/medialoopster-bundles.md). */

export const ImportLog = Type.Object({
  id: Type.Integer(),
  type: Type.String({ description: 'import, archive or restore.' }),
  asset_type: Type.String({ description: 'video, audio or image.' }),
  state: Type.String({ description: 'queued, running, completed or failed.' }),
  message: Type.String({ description: 'What happened; the reason when failed.' }),
  production: Type.Integer(),
  asset: Type.Union([Type.Integer(), Type.Null()], { description: 'The asset imported, archived or restored (once known).' }),
  path_file: Type.String({ description: 'Import: the file imported.' }),
  date_add: IsoMicros,
  date_mod: IsoMicros,
  date_end: Type.Union([IsoMicros, Type.Null()]),
});

export const ImportAccepted = Type.Object({
  asset_import_id: Type.Integer({ description: 'The ImportLog id: poll GET /api/importlogs/{id}/.' }),
  import_log: ImportLog,
});

export const ImportBody = Type.Object(
  {
    type: Type.Optional(Type.Unknown({ description: 'Required: video, audio or image.' })),
    production: Type.Optional(Type.Unknown({ description: 'Required: the production id.' })),
    move_asset: Type.Optional(Type.Unknown({ description: 'Remove the source file once imported (default false).' })),
    asset: Type.Optional(Type.Unknown({ description: '`{"asset_meta": {"path_file", "name", "description", "approval", "meta_field_store"}}`; path_file required.' })),
  },
  { additionalProperties: true },
);

/** Archive: `[{content_type_id, asset_id, archive_type, archive_connector}]`; restore: `[{content_type_id, asset_id}]`. */
export const ActivityBody = Type.Array(Type.Unknown(), {
  description: 'content_type_id: 1 audio asset, 2 image asset, 3 video asset; asset_id: the media asset id. At most 100 entries.',
});
