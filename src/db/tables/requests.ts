import type { Generated } from 'kysely';
import type { Keyed } from './keyed.js';

/* Workstream requests: task asset links, request forms and their fields, guest sessions (docs/workstream.md). */

/** An asset linked to a task; the task's core `asset_id` (its primary asset) is always one of these. */
export interface TaskAssetsTable extends Keyed {
  workspace_id: string;
  task_id: string;
  asset_id: string;
  added_by_user_id: string | null;
  created_at: string;
}

/** A request form. `status` 1 active, 0 inactive, -1 deleted (archived); `allow_guests` 0/1. */
export interface FormsTable extends Keyed {
  workspace_id: string;
  name: string;
  icon: Generated<string>;
  status: Generated<number>;
  allow_guests: Generated<number>;
  created_by_user_id: string | null;
  /** When a task was last made from the form. */
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A field of a form: `type` a Workstream field type (15-31), `content` JSON text. */
export interface FormFieldsTable extends Keyed {
  workspace_id: string;
  form_id: string;
  type: number;
  pos: number;
  content: string;
  created_at: string;
  updated_at: string;
}

/** A guest's session (only the SHA-256 of its id is stored). */
export interface GuestSessionsTable extends Keyed {
  workspace_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
}
