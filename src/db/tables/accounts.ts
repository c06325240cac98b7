import type { Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* Users, accounts, workspaces, their members, API keys, invites, settings, history, notifications. */

export interface UsersTable extends Keyed {
  email: string;
  username: string;
  first_name: Generated<string>;
  last_name: Generated<string>;
  default_avatar: Generated<number>;
  avatar_blob_key: string | null;
  industry: string | null;
  occupation: string | null;
  company: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  zip_code: string | null;
  invited_by_user_id: string | null;
  is_active: Generated<number>;
  created_at: string;
  updated_at: string;
  /** scrypt hash of the sign-in password (lib/passwords.ts); null: this user cannot sign in with a password. */
  password_hash: Generated<string | null>;
  password_changed_at: Generated<string | null>;
}

/** A browser session (domain/auth/sessions.service.ts); per user, not per account. */
export interface UserSessionsTable extends Keyed {
  user_id: string;
  /** SHA-256 of the cookie value. */
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  client_address: string | null;
  user_agent: string | null;
}

/** Workstream OAuth2 refresh tokens (docs/workstream.md "Authentication"): reusable, bound to the API key that was the client. */
export interface OauthRefreshTokensTable extends Keyed {
  account_id: string;
  api_key_id: string;
  user_id: string;
  /** SHA-256 of the token. */
  token_hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AccountsTable extends Keyed {
  name: string;
  thumbnail_blob_key: string | null;
  default_avatar: Generated<number>;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface AccountMembersTable extends Keyed {
  account_id: string;
  user_id: string;
  role: string;
  created_at: string;
  updated_at: string;
}

export interface WorkspacesTable extends Keyed {
  account_id: string;
  name: string;
  thumbnail_blob_key: string | null;
  default_avatar: Generated<number>;
  created_by_user_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface WorkspaceMembersTable extends Keyed {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable extends Keyed {
  account_id: string;
  user_id: string;
  key: string;
  secret_hash: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface InvitesTable extends Keyed {
  account_id: string;
  invited_by_user_id: string | null;
  email: string;
  role: string;
  workspace_ids: string;
  token_hash: string;
  created_at: string;
  sent_at: string | null;
  expires_at: string;
  accepted_at: string | null;
  rejected_at: string | null;
  revoked_at: string | null;
  /** Role in `workspace_ids` on acceptance; null = the account's default_workspace_role setting. */
  workspace_role: string | null;
}

export interface SettingsTable extends Keyed {
  account_id: string;
  workspace_id: string | null;
  key: string;
  value: string;
  updated_by_user_id: string | null;
  updated_at: string;
}

export interface HistoryEventsTable extends Keyed {
  account_id: string | null;
  workspace_id: string | null;
  asset_id: string | null;
  user_id: string | null;
  subject_type: string;
  record_id: string | null;
  type: string;
  data: string;
  created_at: string;
}

export interface NotificationsTable extends Keyed {
  account_id: string;
  workspace_id: string | null;
  user_id: string;
  type: string;
  data: string;
  read_at: string | null;
  created_at: string;
}

export interface AuthFailuresTable extends Keyed {
  bucket: string;
  failed_at: string;
}
