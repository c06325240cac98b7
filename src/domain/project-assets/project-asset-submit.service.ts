import type { Ctx } from '../context.js';
import { copyProjectAsset } from './project-asset-copy.service.js';
import type { ProjectAssetView } from './project-asset-views.js';
import { parseProjectAssetInput, parseShareFlag } from './project-assets.rules.js';
import { createProjectAsset } from './project-assets.service.js';

/**
 * `POST /projectassets/` (seed 003): one endpoint for create and copy; a `copy_of` in the body makes it a copy.
 * `body` is the JSON object or the form fields; `shareLinkedAssets` the query's share_linked_assets.
 */
export async function submitProjectAsset(ctx: Ctx, body: Record<string, unknown>, shareLinkedAssets: string | undefined): Promise<ProjectAssetView> {
  const input = parseProjectAssetInput(body);
  const share = parseShareFlag(shareLinkedAssets);
  if (input.copyOf !== undefined) {
    return copyProjectAsset(ctx, { ...input, copyOf: input.copyOf }, share);
  }
  return createProjectAsset(ctx, input);
}
