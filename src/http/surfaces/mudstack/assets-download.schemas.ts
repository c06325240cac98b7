import { Type } from '@sinclair/typebox';

/** `1`/`true` or `0`/`false` in a query string. */
const Flag = (description: string) =>
  Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')], { description }));

export const isSet = (flag: string | undefined): boolean => flag === '1' || flag === 'true';

export const DownloadQuery = Type.Object({
  inline: Flag('`1`: Content-Disposition inline, for previewable types only (images, audio, video, PDF, plain text).'),
  redirect: Flag('`1`: on an S3 blob store, answer 302 to a presigned URL (valid 5 minutes) instead of streaming.'),
  include_deleted: Flag('`1`: also serve assets in the trash (otherwise 404).'),
});

const Ids = Type.Array(Type.String({ minLength: 1 }), { maxItems: 10_000 });

export const BulkDownloadBody = Type.Object(
  {
    ids: Type.Optional(Ids),
    asset_ids: Type.Optional(Ids),
    version_ids: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 10_000, description: 'Specific versions to add.' })),
  },
  { additionalProperties: false, description: 'Asset ids as `ids` or `asset_ids` (current versions), and/or `version_ids`.' },
);

export const FileBody = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'The file bytes' });
