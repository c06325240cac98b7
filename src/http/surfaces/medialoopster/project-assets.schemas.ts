import { Type } from '@sinclair/typebox';
import { IsoMicros, PagingQuery } from './conventions.js';
import { MlAudioAsset, MlImageAsset, MlVideoAsset } from './media-assets.present.js';

/* Schemas of the project-asset routes (seed 003; docs/medialoopster-bundles.md). */

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** One file of the bundle, keyed by its path below `bundle_root` in `files`. */
const BundleFile = Type.Object({
  size: Type.Integer({ description: 'Bytes.' }),
  checksum: Type.String({ description: 'SHA-256, lowercase hex.' }),
  date_mod: IsoMicros,
});

export const ProjectAsset = Type.Object({
  id: Type.Integer(),
  audio_assets: Type.Array(MlAudioAsset, { description: 'The linked audio assets, as GET /api/audioassets/{id}/ shows them.' }),
  image_assets: Type.Array(MlImageAsset),
  video_assets: Type.Array(MlVideoAsset),
  name: Type.String(),
  description: Type.String(),
  date_crt: Nullable(IsoMicros),
  date_add: IsoMicros,
  date_mod: IsoMicros,
  date_del: Nullable(IsoMicros),
  meta_field_store: Type.Record(Type.String(), Type.Unknown()),
  status_asset: Type.Integer({ description: '0 NEW (copy in progress), 6 ASSET_DONE, -1 ERROR.' }),
  status_asset_description: Type.String({ description: 'The reason when status_asset is -1.' }),
  status_editing: Type.Integer(),
  status_approval: Type.Integer({ description: '1 approved, 0 pending.' }),
  path_file: Type.String(),
  bundle_root: Type.String(),
  type: Type.String({ description: 'The NLE of the project file ("Adobe Premiere Pro"); "" when unknown.' }),
  is_archive: Type.Boolean(),
  is_production: Type.Boolean(),
  files: Type.Record(Type.String(), BundleFile, { description: 'The bundle\'s files by path below bundle_root.' }),
  name_editor: Type.String(),
  name_studio: Type.String(),
  locked_by: Type.Union([Type.Integer(), Type.Null()], { description: 'The id of the user holding the project file\'s lock.' }),
  production: Type.Integer(),
  device: Type.Union([Type.Integer(), Type.Null()]),
});

export const ProjectAssetList = Type.Array(ProjectAsset);

export const ListQuery = Type.Object({
  ...PagingQuery,
  bundle_root: Type.Optional(Type.String({ maxLength: 1024, description: 'Only project assets with this bundle_root; must end with a slash.' })),
});

export const IdParams = Type.Object({ id: Type.String({ maxLength: 40 }) });

const Str = (description: string) => Type.Optional(Type.Unknown({ description }));

/**
 * Create and copy (one endpoint; `copy_of` makes a copy). Fields are checked by the domain, which reports every
 * missing required field at once as seed 003's 400 shows, so the schema only documents them.
 */
export const CreateBody = Type.Object(
  {
    name: Str('Required. The name of the project asset.'),
    bundle_root: Str('Required. Path to the root of the project directory (ends with a slash).'),
    production_id: Str('The production (integer id); wins over production_name.'),
    production_name: Str('The production by name.'),
    path_file: Str('The project file, inside bundle_root (found in the bundle when left out).'),
    copy_of: Str('Copy: the id of the project asset to copy.'),
    description: Str('Copy: overrides the source\'s description.'),
    date_crt: Str('Copy: overrides the source\'s creation date (ISO 8601).'),
    name_editor: Str('Copy: overrides the source\'s editor name.'),
    name_studio: Str('Copy: overrides the source\'s studio name.'),
    status_approval: Str('Copy: overrides the source\'s approval status (1 or 0).'),
  },
  { additionalProperties: true },
);

export const CreateQuery = Type.Object({
  share_linked_assets: Type.Optional(Type.String({ maxLength: 10, description: 'Copy: true/1 shares the linked media with the target production.' })),
});

const AssetEntry = Type.Object({ asset_id: Type.Unknown(), type: Type.Unknown() });

export const AddAssetBody = Type.Unknown({
  description: '`{"asset_list": [{"asset_id": 1, "type": "audio"|"image"|"video"}], "silent_mode": false}` (JSON only).',
});

export const AddAssetResult = Type.Object({
  newly_linked_assets: Type.Array(AssetEntry),
  already_linked_assets: Type.Array(AssetEntry),
  invalid_assets: Type.Array(AssetEntry),
});
