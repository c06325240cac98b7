import { useEffect, useState } from 'react';
import { api, fileUrl, saveBlob } from '../api/client';
import type { Asset } from '../api/types';
import { derivativePath } from '../ui/thumb';

function useFile(path: string | null): string | null {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setSrc(null);
    if (path) {
      fileUrl(path).then((u) => live && setSrc(u), () => undefined);
    }
    return () => {
      live = false;
    };
  }, [path]);
  return src;
}

/** The right viewer for the file: zoomable image, video or audio on the proxies, PDF page, else a download. */
export function Viewer({ asset }: { asset: Asset }) {
  const kind = asset.assetType?.name ?? 'other';
  const preview = useFile(derivativePath(asset, 'preview') ?? derivativePath(asset, 'page') ?? derivativePath(asset, 'thumbnail'));
  const proxy = useFile(kind === 'video' || kind === 'audio' ? derivativePath(asset, 'proxy') : null);
  const poster = useFile(kind === 'video' ? derivativePath(asset, 'poster') : null);
  const waveform = useFile(kind === 'audio' ? derivativePath(asset, 'waveform') : null);
  const [zoom, setZoom] = useState(1);
  const pending = asset.currentVersion?.derivatives.some((d) => d.state === 'pending');

  async function download() {
    saveBlob(await api<Blob>('GET', `/workspaces/assets/${asset.id}/download`), asset.file_name);
  }

  let body;
  if (kind === 'video' && proxy) {
    body = <video controls src={proxy} poster={poster ?? undefined} className="media" aria-label={`Video ${asset.name}`} />;
  } else if (kind === 'audio' && proxy) {
    body = (
      <div>
        {waveform && <img src={waveform} alt={`Waveform of ${asset.name}`} className="waveform" />}
        <audio controls src={proxy} aria-label={`Audio ${asset.name}`} />
      </div>
    );
  } else if (preview) {
    body = (
      <div className="zoom-box">
        <img src={preview} alt={asset.name} style={{ transform: `scale(${zoom})` }} className="zoomable" onDoubleClick={() => setZoom(zoom === 1 ? 2 : 1)} />
      </div>
    );
  } else {
    body = <p className="empty">{pending ? 'The preview is being made…' : 'No preview for this kind of file.'}</p>;
  }

  return (
    <section className="viewer" aria-label="Preview">
      {body}
      <div className="viewer-tools">
        {preview && !proxy && (
          <>
            <button type="button" onClick={() => setZoom(Math.max(0.25, zoom / 1.5))} aria-label="Zoom out">
              −
            </button>
            <span>{Math.round(zoom * 100)}%</span>
            <button type="button" onClick={() => setZoom(Math.min(8, zoom * 1.5))} aria-label="Zoom in">
              +
            </button>
          </>
        )}
        <button type="button" onClick={() => void download()}>
          Download
        </button>
      </div>
    </section>
  );
}
