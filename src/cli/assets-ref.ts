import type { Asset } from '../sdk/client.js';
import { CommandError, EXIT } from './exit-codes.js';
import { isUuid, normaliseFolder, type Session } from './session.js';

/*
 * Commands take an asset as its id (a UUID) or its path on the server (`/Art/hero.psd`). A path is looked up by a
 * search of its folder; `allowSearch` lets the caller treat anything else as a search query (download).
 */
export async function resolveAsset(session: Session, ref: string, opts: { allowSearch?: boolean } = {}): Promise<Asset | undefined> {
  if (isUuid(ref)) {
    const { data } = await session.client.api.GET('/workspaces/assets/{asset_id}', { params: { path: { asset_id: ref } } });
    return data as Asset;
  }
  if (ref.startsWith('/') && !ref.endsWith('/')) {
    const slash = ref.lastIndexOf('/');
    const folder = normaliseFolder(ref.slice(0, slash));
    const name = ref.slice(slash + 1);
    for await (const asset of session.client.searchAssets({ folder })) {
      if (asset.file_name === name) {
        return asset;
      }
    }
    if (opts.allowSearch) {
      return undefined;
    }
    throw new CommandError(`no asset at ${ref}`, EXIT.notFound);
  }
  if (opts.allowSearch) {
    return undefined;
  }
  throw new CommandError(`"${ref}" is neither an asset id nor a path like /Folder/file.ext`, EXIT.usage);
}

export async function requireAsset(session: Session, ref: string): Promise<Asset> {
  return (await resolveAsset(session, ref)) as Asset;
}
