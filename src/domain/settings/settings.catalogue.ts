import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { WORKSPACE_ROLES } from '../access.js';

/*
 * The catalogues of account and workspace settings: key, value schema, default and description. A key not listed
 * here does not exist (404); a stored row only overrides the default. Values are stored as JSON text. Every key is
 * honoured somewhere in the code (the comment on each says where): a setting that changes nothing is not offered.
 */

/** Checked by TypeBox's Value module, which knows no `format`s: a plain pattern instead. */
export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export interface SettingDefinition<S extends TSchema> {
  schema: S;
  default: Static<S>;
  description: string;
}

/** A catalogue: key -> definition. */
export type SettingsCatalogue = Record<string, SettingDefinition<TSchema>>;

const define = <S extends TSchema>(d: SettingDefinition<S>): SettingDefinition<S> => d;

export const ACCOUNT_SETTINGS = {
  trash_retention_days: define({
    schema: Type.Integer({ minimum: 1, maximum: 3650 }),
    default: 30,
    description: 'Days an item stays in the trash before it is purged for good (1..3650).',
  }),
  default_workspace_role: define({
    schema: Type.Union(WORKSPACE_ROLES.map((r) => Type.Literal(r))),
    default: 'editor',
    description: 'Workspace role given to invitees whose invite names workspaces but no role (admin, editor or viewer).',
  }),
  max_upload_bytes: define({
    schema: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    default: null,
    description: 'Largest file this account may upload, in bytes; null means the server limit (MAX_UPLOAD_BYTES).',
  }),
  contact_email: define({
    schema: Type.Union([Type.String({ pattern: EMAIL_PATTERN, maxLength: 320 }), Type.Null()]),
    default: null,
    description: 'Billing and subscription contact e-mail (also set by PUT /accounts/subscriptions?email=).',
  }),
};

export type AccountSettingKey = keyof typeof ACCOUNT_SETTINGS;
export type AccountSettingValue<K extends AccountSettingKey> = Static<(typeof ACCOUNT_SETTINGS)[K]['schema']>;


export const WORKSPACE_SETTINGS = {
  // Honoured by the trash.purge_expired job (trashRetentionDays in settings.service.ts).
  trash_retention_days: define({
    schema: Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()]),
    default: null,
    description: "Days a trashed asset or version of this workspace stays before it is purged (1..3650); null means the account's trash_retention_days.",
  }),
  // Honoured by commitUpload (uploads/commit.service.ts) when an upload creates an asset.
  default_asset_status_id: define({
    schema: Type.Union([Type.String({ pattern: UUID_PATTERN }), Type.Null()]),
    default: null,
    description: 'Workflow status given to assets created in this workspace (an id from GET /workspaces/assetStatuses); null means none.',
  }),
};

export type WorkspaceSettingKey = keyof typeof WORKSPACE_SETTINGS;
export type WorkspaceSettingValue<K extends WorkspaceSettingKey> = Static<(typeof WORKSPACE_SETTINGS)[K]['schema']>;
