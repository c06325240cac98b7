import { Account, AccountMember } from './accounts.schemas.js';
import { Asset } from './assets.schemas.js';
import { Attachment } from './attachments.schemas.js';
import { Comment } from './comments.schemas.js';
import { ErrorBody, User } from './common.schemas.js';
import { Folder } from './folders.schemas.js';
import { FormJson } from './forms.schemas.js';
import { Library } from './libraries.schemas.js';
import { ReviewRequest } from './review-requests.schemas.js';
import { Review } from './reviews.schemas.js';
import { AssetStatus } from './statuses.schemas.js';
import { Tag } from './tags.schemas.js';
import { Task, TaskStatus } from './tasks.schemas.js';
import { Version } from './versions.schemas.js';
import { Webhook } from './webhooks.schemas.js';
import { Workspace, WorkspaceMember } from './workspaces.schemas.js';

/**
 * Readable names for the main objects in `/openapi.json`'s `components.schemas` (shared by content wherever a route
 * uses them; any other repeated sub-schema gets a name from where it was first found). `Error` is the body of every
 * error response.
 */
export const namedComponents: Record<string, unknown> = {
  Error: ErrorBody,
  Account,
  AccountMember,
  Asset,
  AssetStatus,
  Attachment,
  Comment,
  Folder,
  Form: FormJson,
  Library,
  Review,
  ReviewRequest,
  Tag,
  Task,
  TaskStatus,
  User,
  Version,
  Webhook,
  Workspace,
  WorkspaceMember,
};
