import type { Asset } from '../api/types';
import { useFile } from './use-file';

/** The path of a ready derivative of the asset's current version, if there is one. */
export function derivativePath(asset: Asset, kind: string): string | null {
  const v = asset.currentVersion;
  const d = v?.derivatives.find((x) => x.kind === kind && x.state === 'ready');
  return v && d ? `/workspaces/assets/${asset.id}/versions/${v.id}/derivatives/${kind}` : null;
}

/** A thumbnail (for audio, its waveform), loaded through the API (blob: URL); the asset type's name while there is none. */
export function Thumb({ asset }: { asset: Asset }) {
  const path = derivativePath(asset, 'thumbnail') ?? derivativePath(asset, 'waveform');
  const src = useFile(path);
  if (src) {
    return <img src={src} alt="" className="thumb-img" draggable={false} />;
  }
  return <span className="thumb-none">{asset.assetType?.displayType ?? 'File'}</span>;
}
