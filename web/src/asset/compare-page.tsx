import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Asset, Version } from '../api/types';
import { useFile } from '../ui/use-file';
import { Link } from '../ui/link';
import { personName } from '../ui/people';
import { setQuery, useLocation } from '../router';

/*
 * Two versions of one asset side by side, at /a/<asset id>/compare?a=<version number>&b=<version number> (so the
 * view survives a reload and can be shared): images with one zoom and scroll for both, or a swipe slider over one
 * another; videos and audio in two players that play, pause and seek together; for every kind the versions' facts.
 */

const READY_KINDS = ['preview', 'page', 'thumbnail'];

function versionFile(assetId: string, v: Version | undefined, kinds: readonly string[]): string | null {
  const d = kinds.map((k) => v?.derivatives.find((x) => x.kind === k && x.state === 'ready')).find(Boolean);
  return v && d ? `/workspaces/assets/${assetId}/versions/${v.id}/derivatives/${d.kind}` : null;
}

const label = (v: Version) => `v${v.version_number}`;

function ImageCompare({ a, b, va, vb }: { a: string; b: string; va: Version; vb: Version }) {
  const [mode, setMode] = useState<'side' | 'swipe'>('side');
  const [zoom, setZoom] = useState(1);
  const [swipe, setSwipe] = useState(50);
  const panes = [useRef<HTMLDivElement>(null), useRef<HTMLDivElement>(null)];
  // One scroll position for both panes: scrolling one moves the other to the same place.
  function synced(from: 0 | 1) {
    const src = panes[from]?.current;
    const dst = panes[1 - from]?.current;
    if (src && dst && (dst.scrollLeft !== src.scrollLeft || dst.scrollTop !== src.scrollTop)) {
      dst.scrollLeft = src.scrollLeft;
      dst.scrollTop = src.scrollTop;
    }
  }
  return (
    <div className="compare-images">
      <div className="viewer-tools" role="toolbar" aria-label="Comparison">
        <button type="button" aria-pressed={mode === 'side'} onClick={() => setMode('side')}>
          Side by side
        </button>
        <button type="button" aria-pressed={mode === 'swipe'} onClick={() => setMode('swipe')}>
          Swipe
        </button>
        {mode === 'side' ? (
          <>
            <button type="button" onClick={() => setZoom(Math.max(1, zoom / 1.5))} aria-label="Zoom out both">
              −
            </button>
            <span>{Math.round(zoom * 100)}%</span>
            <button type="button" onClick={() => setZoom(Math.min(8, zoom * 1.5))} aria-label="Zoom in both">
              +
            </button>
          </>
        ) : (
          <label className="inline-check">
            Swipe position
            <input type="range" min={0} max={100} value={swipe} onChange={(e) => setSwipe(Number(e.target.value))} />
          </label>
        )}
      </div>
      {mode === 'side' ? (
        <div className="compare-two">
          {[
            [a, va],
            [b, vb],
          ].map(([src, v], i) => (
            <figure key={i} className="compare-side">
              <figcaption>{label(v as Version)}</figcaption>
              <div className="compare-pane" ref={panes[i]} onScroll={() => synced(i as 0 | 1)} tabIndex={0} aria-label={`${label(v as Version)}, scroll to pan`} role="group">
                <img src={src as string} alt={`Version ${(v as Version).version_number}`} style={{ width: `${zoom * 100}%` }} draggable={false} />
              </div>
            </figure>
          ))}
        </div>
      ) : (
        <figure className="compare-swipe">
          <figcaption>
            {label(va)} on the left, {label(vb)} on the right of the line
          </figcaption>
          <div className="swipe-box">
            <img src={a} alt={`Version ${va.version_number}`} draggable={false} />
            <img src={b} alt={`Version ${vb.version_number}`} draggable={false} className="swipe-top" style={{ clipPath: `inset(0 0 0 ${swipe}%)` }} />
            <div className="swipe-line" style={{ left: `${swipe}%` }} aria-hidden="true" />
          </div>
        </figure>
      )}
    </div>
  );
}

function PlayerCompare({ a, b, va, vb, audio }: { a: string; b: string; va: Version; vb: Version; audio: boolean }) {
  const players = [useRef<HTMLMediaElement | null>(null), useRef<HTMLMediaElement | null>(null)];
  const other = (i: number) => players[1 - i]?.current;
  // Each player drives the other: play, pause and seeks are mirrored (a small tolerance stops them echoing back).
  const sync = (i: number) => ({
    ref: (el: HTMLMediaElement | null) => {
      const slot = players[i];
      if (slot) {
        slot.current = el;
      }
    },
    onPlay: () => void other(i)?.play().catch(() => undefined),
    onPause: () => other(i)?.pause(),
    onSeeked: (e: { currentTarget: HTMLMediaElement }) => {
      const o = other(i);
      if (o && Math.abs(o.currentTime - e.currentTarget.currentTime) > 0.25) {
        o.currentTime = e.currentTarget.currentTime;
      }
    },
    controls: true,
    className: 'media',
  });
  return (
    <div>
      <div className="viewer-tools">
        <button type="button" onClick={() => void players[0]?.current?.play().catch(() => undefined)}>
          Play both
        </button>
        <button type="button" onClick={() => players[0]?.current?.pause()}>
          Pause both
        </button>
      </div>
      <div className="compare-two">
        {[
          [a, va],
          [b, vb],
        ].map(([src, v], i) => (
          <figure key={i} className="compare-side">
            <figcaption>{label(v as Version)}</figcaption>
            {audio ? (
              <audio src={src as string} aria-label={`Audio, version ${(v as Version).version_number}`} {...sync(i)} />
            ) : (
              <video src={src as string} aria-label={`Video, version ${(v as Version).version_number}`} {...sync(i)} />
            )}
          </figure>
        ))}
      </div>
    </div>
  );
}

function Facts({ va, vb }: { va: Version; vb: Version }) {
  const dims = (v: Version) => (v.metadata.width && v.metadata.height ? `${String(v.metadata.width)} × ${String(v.metadata.height)}` : '—');
  const duration = (v: Version) => {
    const d = v.metadata.duration_seconds ?? v.metadata.duration;
    return typeof d === 'number' ? `${d.toFixed(2)} s` : '—';
  };
  const rows: Array<[string, (v: Version) => ReactNode]> = [
    ['File name', (v) => v.original_file_name],
    ['Size', (v) => `${v.size.toLocaleString()} bytes`],
    ['Type', (v) => v.content_type],
    ['Dimensions', dims],
    ['Duration', duration],
    ['Checksum (SHA-256)', (v) => <code className="checksum">{v.checksum}</code>],
    ['Uploaded', (v) => new Date(v.created_at).toLocaleString()],
    ['Uploaded by', (v) => (v.user ? personName(v.user) : '—')],
    ['Name', (v) => v.name || '—'],
    ['Description', (v) => v.description || '—'],
  ];
  const text = (f: (v: Version) => ReactNode, v: Version) => {
    const x = f(v);
    return typeof x === 'string' ? x : v.checksum;
  };
  return (
    <table className="compare-facts">
      <caption className="sr-only">The two versions' facts</caption>
      <thead>
        <tr>
          <th scope="col">Fact</th>
          <th scope="col">{label(va)}</th>
          <th scope="col">{label(vb)}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, f]) => {
          const differs = text(f, va) !== text(f, vb);
          return (
            <tr key={name} className={differs ? 'differs' : undefined} data-fact={name}>
              <th scope="row">
                {name}
                {differs && <span className="sr-only"> (differs)</span>}
              </th>
              <td>{f(va)}</td>
              <td>{f(vb)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function ComparePage({ assetId }: { assetId: string }) {
  const loc = useLocation();
  const [asset, setAsset] = useState<Asset | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Asset>('GET', `/workspaces/assets/${assetId}`).then(setAsset, (err: Error) => setError(err.message));
  }, [assetId]);
  const versions = (asset?.versions ?? []).filter((v) => v.deleted_at === null).sort((x, y) => x.version_number - y.version_number);
  const byNumber = (n: string | null) => versions.find((v) => String(v.version_number) === n);
  // Without a choice in the URL: the version before the current one against the current one.
  const current = versions.find((v) => v.id === asset?.current_version_id) ?? versions[versions.length - 1];
  const va = byNumber(loc.query.get('a')) ?? versions[Math.max(0, versions.indexOf(current!) - 1)];
  const vb = byNumber(loc.query.get('b')) ?? current;
  const kind = asset?.assetType?.displayType ?? 'other';
  const playable = kind === 'video' || kind === 'audio';
  const a = useFile(asset && playable ? versionFile(asset.id, va, ['proxy']) : asset ? versionFile(asset.id, va, READY_KINDS) : null);
  const b = useFile(asset && playable ? versionFile(asset.id, vb, ['proxy']) : asset ? versionFile(asset.id, vb, READY_KINDS) : null);

  if (error) {
    return <p className="error">Could not open this asset: {error}</p>;
  }
  if (!asset) {
    return <p role="status">Loading…</p>;
  }
  const pick = (side: 'a' | 'b', title: string, value: Version | undefined) => (
    <label>
      {title}
      <select value={value ? String(value.version_number) : ''} onChange={(e) => setQuery({ [side]: e.target.value })}>
        {versions.map((v) => (
          <option key={v.id} value={v.version_number}>
            {label(v)} · {new Date(v.created_at).toLocaleDateString()}
            {v.id === asset.current_version_id ? ' (current)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
  let media: ReactNode = null;
  if (va && vb && a && b) {
    media = playable ? <PlayerCompare a={a} b={b} va={va} vb={vb} audio={kind === 'audio'} /> : <ImageCompare a={a} b={b} va={va} vb={vb} />;
  } else if (va && vb && (versionFile(asset.id, va, playable ? ['proxy'] : READY_KINDS) || versionFile(asset.id, vb, playable ? ['proxy'] : READY_KINDS))) {
    media = <p role="status">Loading the previews…</p>;
  } else {
    media = <p className="muted">No previews to show side by side for these versions; their facts are below.</p>;
  }
  return (
    <main className="compare" aria-labelledby="compare-title">
      <p>
        <Link to={`/a/${asset.id}`}>Back to {asset.name}</Link>
      </p>
      <h1 id="compare-title">Compare versions of {asset.name}</h1>
      {versions.length < 2 ? (
        <p className="empty">This asset has one version only.</p>
      ) : (
        <>
          <div className="inline-form">
            {pick('a', 'Left version', va)}
            {pick('b', 'Right version', vb)}
          </div>
          <section aria-label="Previews" className="viewer">
            {media}
          </section>
          {va && vb && <Facts va={va} vb={vb} />}
        </>
      )}
    </main>
  );
}
