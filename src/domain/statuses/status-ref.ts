import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isUuid } from '../../lib/ids.js';
import { errors } from '../errors.js';
import { findStatus } from './statuses.repo.js';

/**
 * Checks a `status_id` sent in an asset update: not a UUID is a bad field (400); a UUID that is not one of this
 * workspace's statuses (another tenant's included) is `asset_status_not_found` (404). Returns the id.
 */
export async function requireStatusId(db: Kysely<DB>, scope: { workspaceId: string; statusId: string }): Promise<string> {
  if (!isUuid(scope.statusId)) {
    throw errors.invalidField('body', 'status_id', 'must be the id of one of the workspace\'s asset statuses');
  }
  const status = await findStatus(db, { workspaceId: scope.workspaceId, id: scope.statusId });
  if (!status) {
    throw errors.notFound('asset_status', scope.statusId);
  }
  return status.id;
}
