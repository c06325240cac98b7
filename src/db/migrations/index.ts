import type { Migration } from 'kysely';
import * as m202611230300 from './202611230300_create_foundation.js';
import * as m202611230310 from './202611230310_add_invite_workspace_role.js';
import * as m202611230320 from './202611230320_create_jobs.js';
import * as m202611230330 from './202611230330_create_assets.js';
import * as m202611230340 from './202611230340_create_upload_sessions.js';
import * as m202611230350 from './202611230350_create_organisation.js';
import * as m202611230400 from './202611230400_create_folders.js';
import * as m202611230410 from './202611230410_create_comments_reviews.js';
import * as m202611230420 from './202611230420_create_tasks.js';
import * as m202611230430 from './202611230430_create_webhooks.js';
import * as m202611230440 from './202611230440_create_search.js';
import * as m202611231900 from './202611231900_partial_job_indexes.js';
import * as m202612070330 from './202612070330_create_task_checklists_watchers.js';
import * as m202612071000 from './202612071000_create_teams_approvals.js';
import * as m202612071010 from './202612071010_link_review_requests_approvals.js';
import * as m202612071100 from './202612071100_create_task_assets_forms.js';
import * as m202612071200 from './202612071200_create_projects_proofs.js';
import * as m202612071300 from './202612071300_create_medialoopster.js';
import * as m202612071400 from './202612071400_create_project_assets.js';
import * as m202612071410 from './202612071410_create_import_logs.js';
import * as m202612071500 from './202612071500_create_vionlabs.js';
import * as m202612071600 from './202612071600_create_user_sessions.js';
import * as m202612071700 from './202612071700_jobs_workspace.js';
import * as m202612071800 from './202612071800_media_asset_fields_date_del.js';
import * as m202612071845 from './202612071845_asset_versions_workspace_asset.js';
import * as m202612071900 from './202612071900_create_oauth_refresh_tokens.js';
import * as m202612071910 from './202612071910_tasks_keyword_count.js';
import * as m202612072300 from './202612072300_tus_write_claim.js';
import * as m202612080100 from './202612080100_tasks_due_reminders.js';

/** Explicit list, in order: the migrator never scans the file system. */
export const migrations: Record<string, Migration> = {
  '202611230300_create_foundation': m202611230300,
  '202611230310_add_invite_workspace_role': m202611230310,
  '202611230320_create_jobs': m202611230320,
  '202611230330_create_assets': m202611230330,
  '202611230340_create_upload_sessions': m202611230340,
  '202611230350_create_organisation': m202611230350,
  '202611230400_create_folders': m202611230400,
  '202611230410_create_comments_reviews': m202611230410,
  '202611230420_create_tasks': m202611230420,
  '202611230430_create_webhooks': m202611230430,
  '202611230440_create_search': m202611230440,
  '202611231900_partial_job_indexes': m202611231900,
  '202612070330_create_task_checklists_watchers': m202612070330,
  '202612071000_create_teams_approvals': m202612071000,
  '202612071010_link_review_requests_approvals': m202612071010,
  '202612071100_create_task_assets_forms': m202612071100,
  '202612071200_create_projects_proofs': m202612071200,
  '202612071300_create_medialoopster': m202612071300,
  '202612071400_create_project_assets': m202612071400,
  '202612071410_create_import_logs': m202612071410,
  '202612071500_create_vionlabs': m202612071500,
  '202612071600_create_user_sessions': m202612071600,
  '202612071700_jobs_workspace': m202612071700,
  '202612071800_media_asset_fields_date_del': m202612071800,
  '202612071845_asset_versions_workspace_asset': m202612071845,
  '202612071900_create_oauth_refresh_tokens': m202612071900,
  '202612071910_tasks_keyword_count': m202612071910,
  '202612072300_tus_write_claim': m202612072300,
  '202612080100_tasks_due_reminders': m202612080100,
};
