import { useEffect, useState } from 'react';
import { api, saveBlob } from '../api/client';
import type { Asset } from '../api/types';
import { useFile } from '../ui/use-file';
import { derivativePath } from '../ui/thumb';
import type { Annotations } from './annotations';
import { RegionLayer, Timeline } from './region-layer';

/** The right viewer for the file: zoomable image, video or audio on the proxies, PDF page, else a download. */
export function Viewer({ asset, ann }: { asset: Asset; ann: Annotations }) {
  // displayType is the lowercase kind ('video'); name is the label shown to people ('Video').
  const kind = asset.assetType?.displayType ?? 'other';
  const preview = useFile(derivativePath(asset, 'preview') ?? derivativePath(asset, 'page') ?? derivativePath(asset, 'thumbnail'));
  const proxy = useFile(kind === 'video' || kind === 'audio' ? derivativePath(asset, 'proxy') : null);
  const poster = useFile(kind === 'video' ? derivativePath(asset, 'poster') : null);
  const waveform = useFile(kind === 'audio' ? derivativePath(asset, 'waveform') : null);
  const [zoom, setZoom] = useState(1);
  const pending = asset.currentVersion?.derivatives.some((d) => d.state === 'pending');
  const playing = (kind === 'video' || kind === 'audio') && proxy !== null;
  const regionable = (kind === 'video' && proxy !== null) || (!playing && preview !== null);
  const { setHasPlayer, setRegionable, setTime } = ann;
  useEffect(() => setHasPlayer(playing), [playing, setHasPlayer]);
  useEffect(() => setRegionable(regionable), [regionable, setRegionable]);
  // The media element reports its clock; the comments read it for "at 00:12.5" and the timeline for its head.
  const media = {
    ref: (el: HTMLMediaElement | null) => {
      ann.player.current = el;
    },
    onTimeUpdate: (e: { currentTarget: HTMLMediaElement }) => setTime(e.currentTarget.currentTime, e.currentTarget.duration),
    onLoadedMetadata: (e: { currentTarget: HTMLMediaElement }) => setTime(e.currentTarget.currentTime, e.currentTarget.duration),
    onSeeked: (e: { currentTarget: HTMLMediaElement }) => setTime(e.currentTarget.currentTime, e.currentTarget.duration),
  };

  async function download() {
    saveBlob(await api<Blob>('GET', `/workspaces/assets/${asset.id}/download`), asset.file_name);
  }

  let body;
  if (kind === 'video' && proxy) {
    body = (
      <>
        <div className="annotated annotated-video">
          <video controls src={proxy} poster={poster ?? undefined} className="media" aria-label={`Video ${asset.name}`} {...media} />
          <RegionLayer ann={ann} />
        </div>
        <Timeline ann={ann} />
      </>
    );
  } else if (kind === 'audio' && proxy) {
    body = (
      <div>
        {waveform && <img src={waveform} alt={`Waveform of ${asset.name}`} className="waveform" />}
        <audio controls src={proxy} aria-label={`Audio ${asset.name}`} {...media} />
        <Timeline ann={ann} />
      </div>
    );
  } else if (preview) {
    body = (
      <div className="zoom-box">
        <div className="annotated" style={{ transform: `scale(${zoom})` }}>
          <img src={preview} alt={asset.name} className="zoomable" draggable={false} onDoubleClick={() => !ann.drawing && setZoom(zoom === 1 ? 2 : 1)} />
          <RegionLayer ann={ann} />
        </div>
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
        {ann.marks.some((m) => m.region) && (
          <label className="inline-check">
            <input type="checkbox" checked={ann.showAll} onChange={(e) => ann.setShowAll(e.target.checked)} /> Show all regions
          </label>
        )}
        <button type="button" onClick={() => void download()}>
          Download
        </button>
      </div>
    </section>
  );
}
