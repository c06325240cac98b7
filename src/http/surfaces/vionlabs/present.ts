import type { ProcessingItemRow, ProcessingTaskRow } from '../../../db/schema.js';
import type { TaskStatus } from '../../../domain/processing/products.js';

/* Rows → Vionlabs JSON. Paths in `_links` are absolute paths under the surface's mount (`/vionlabs`). */

export const MOUNT = '/vionlabs';

const enc = encodeURIComponent;

/** The results route of a product (the first documented one), for a task's `results` link. */
function resultsPath(product: string, itemKey: string, version: string): string {
  const id = enc(itemKey);
  const v = `?version=${enc(version)}`;
  switch (product) {
    case 'adbreaks':
      return `${MOUNT}/results/adbreaks/v3/filter/millisec/${id}${v}`;
    case 'markers':
      return `${MOUNT}/results/markers/v1/asset/${id}${v}`;
    default:
      return `${MOUNT}/results/${product}/v1/${id}${v}`;
  }
}

export function presentTask(task: ProcessingTaskRow, itemKey: string) {
  const self = `${MOUNT}/tasks/catalog-item/${enc(itemKey)}/product/${enc(task.product)}/version/${enc(task.version)}`;
  const links: Record<string, { href: string; method: string }> = {
    self: { href: self, method: 'GET' },
    deactivate: { href: self, method: 'DELETE' },
  };
  if (task.status === 'done') {
    links.results = { href: resultsPath(task.product, itemKey, task.version), method: 'GET' };
  }
  return { status: task.status as TaskStatus, error: task.error, _links: links };
}

export function presentItemSummary(row: ProcessingItemRow) {
  return { id: row.item_key, vionlabs_id: row.id, type: row.type };
}

export function presentItem(row: ProcessingItemRow) {
  return { ...(JSON.parse(row.body) as Record<string, unknown>), vionlabs_id: row.id, deleted: row.deleted_at !== null, updated: row.updated_at };
}
