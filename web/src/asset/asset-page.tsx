import { useCallback, useEffect, useState } from 'react';
import { api, saveBlob } from '../api/client';
import type { Asset, AssetStatus, HistoryEntry, User } from '../api/types';
import { useLiveReload, useLiveStatus } from '../live/live';
import { Link } from '../ui/link';
import { usePermissions } from '../ui/permissions';
import { AssetTasks } from '../work/asset-tasks';
import { useAnnotations } from './annotations';
import { Comments } from './comments';
import { Reviews } from './reviews';
import { Viewer } from './viewer';

const who = (u: { firstName: string; lastName: string; email: string } | null | undefined) => (u ? `${u.firstName} ${u.lastName}`.trim() || u.email : 'the system');

/** One asset: viewer, versions, metadata, tags, status, lock, history and comments. */
export function AssetPage({ assetId, me }: { assetId: string; me?: string }) {
  const [asset, setAsset] = useState<Asset | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [statuses, setStatuses] = useState<AssetStatus[]>([]);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [tag, setTag] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [people, setPeople] = useState<Map<string, User>>(new Map());
  const ann = useAnnotations();
  const perms = usePermissions();
  // Versions picked for the side-by-side compare (by version number, as its URL names them).
  const [picked, setPicked] = useState<number[]>([]);

  const load = useCallback(() => {
    api<Asset>('GET', `/workspaces/assets/${assetId}`).then(setAsset, (err: Error) => setError(err.message));
    void api<HistoryEntry[]>('GET', `/workspaces/assets/${assetId}/history`).then(setHistory, () => undefined);
  }, [assetId]);
  useEffect(load, [load]);
  useEffect(() => {
    void api<AssetStatus[]>('GET', '/workspaces/assetStatuses').then(setStatuses, () => undefined);
    void api<Array<{ user: User }>>('GET', '/workspaces/members').then((m) => setPeople(new Map(m.map((x) => [x.user.id, x.user]))), () => undefined);
  }, []);
  // Others' changes (comments, lock, status, tags, new versions) and finished thumbnails and proxies come by the live
  // stream (web/src/live); events close together (an upload writes several) load the asset once.
  const live = useLiveStatus() === 'live';
  useLiveReload((e) => e.asset_id === assetId, load);
  // Without the stream, look again while a thumbnail or proxy is still being made.
  useEffect(() => {
    if (live || !asset?.currentVersion?.derivatives.some((d) => d.state === 'pending')) {
      return;
    }
    const t = setTimeout(load, 2000);
    return () => clearTimeout(t);
  }, [asset, load, live]);

  async function act(fn: () => Promise<unknown>) {
    try {
      await fn();
      setNotice(null);
      load();
    } catch (err) {
      setNotice(err instanceof Error ? err.message : String(err));
    }
  }

  // Who holds the lock: a workspace member, else (an account admin) the user of the lock's history entry.
  const holderName = (id: string) => {
    const u = people.get(id) ?? history.find((h) => h.type === 'asset_locked' && h.user?.id === id)?.user;
    return u ? who(u) : id;
  };

  if (error) {
    return <p className="error">Could not open this asset: {error}</p>;
  }
  if (!asset) {
    return <p role="status">Loading…</p>;
  }
  const v = asset.currentVersion;
  const meta = Object.entries(v?.metadata ?? {}).filter(([, x]) => x !== null && typeof x !== 'object');

  return (
    <main className="asset" aria-labelledby="asset-title">
      <p>
        <Link to={`/browse?folder=${encodeURIComponent(asset.file_location)}`}>{asset.file_location}</Link>
      </p>
      <h1 id="asset-title">{asset.name}</h1>
      {notice && (
        <p role="alert" className="error">
          {notice}
        </p>
      )}
      <div className="asset-grid">
        <Viewer asset={asset} ann={ann} />
        <aside className="asset-side">
          <section aria-labelledby="status-title">
            <h2 id="status-title">Status</h2>
            <label>
              <span className="sr-only">Status</span>
              <select value={asset.status_id ?? ''} onChange={(e) => void act(() => api('PATCH', `/workspaces/assets/${asset.id}`, { json: { status_id: e.target.value || null } }))}>
                <option value="">No status</option>
                {statuses.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
          </section>
          <section aria-labelledby="lock-title">
            <h2 id="lock-title">Lock</h2>
            {asset.locked_by_user_id ? (
              <p data-testid="lock-state">
                Locked by {holderName(asset.locked_by_user_id)}
                {asset.locked_at ? ` since ${new Date(asset.locked_at).toLocaleString()}` : ''}{' '}
                {asset.locked_by_user_id === me ? (
                  <button type="button" onClick={() => void act(() => api('DELETE', `/workspaces/assets/${asset.id}/lock`))}>
                    Unlock
                  </button>
                ) : perms.can('asset.lock.force') ? (
                  // A workspace admin may clear anyone's lock (history names the previous holder).
                  <button type="button" onClick={() => void act(() => api('DELETE', `/workspaces/assets/${asset.id}/lock?force=true`))}>
                    Force unlock
                  </button>
                ) : (
                  // The API refuses everyone else's unlock (423), so none is offered; a new version, rename, move or status change waits too.
                  <span className="hint">Only they can change it until they unlock it.</span>
                )}
              </p>
            ) : (
              <p data-testid="lock-state">
                Not locked{' '}
                <button type="button" onClick={() => void act(() => api('POST', `/workspaces/assets/${asset.id}/lock`))}>
                  Lock
                </button>
              </p>
            )}
          </section>
          <AssetTasks assetId={asset.id} canCreate={perms.can('task.write')} />
          <section aria-labelledby="tags-title">
            <h2 id="tags-title">Tags</h2>
            <ul className="chips">
              {asset.tags.map((t) => (
                <li key={t.id} className="chip">
                  {t.name}{' '}
                  <button type="button" className="link" aria-label={`Remove tag ${t.name}`} onClick={() => void act(() => api('DELETE', `/workspaces/assets/${asset.id}/tags/${t.id}`))}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (tag.trim()) {
                  void act(() => api('POST', `/workspaces/assets/${asset.id}/tags`, { json: { names: [tag.trim()] } })).then(() => setTag(''));
                }
              }}
            >
              <label>
                <span className="sr-only">New tag</span>
                <input placeholder="Add a tag" value={tag} onChange={(e) => setTag(e.target.value)} />
              </label>
              <button type="submit">Add</button>
            </form>
          </section>
          <section aria-labelledby="versions-title">
            <h2 id="versions-title">Versions</h2>
            <ol className="versions" reversed>
              {asset.versions.map((ver) => (
                <li key={ver.id}>
                  v{ver.version_number} · {new Date(ver.created_at).toLocaleString()} · {Math.max(1, Math.round(ver.size / 1024))} KB{ver.id === asset.current_version_id ? ' · current' : ''}{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={async () => saveBlob(await api<Blob>('GET', `/workspaces/assets/${asset.id}/versions/${ver.id}/download`), ver.original_file_name)}
                  >
                    Download
                  </button>
                  {asset.versions.length > 1 && (
                    <label className="inline-check">
                      <input
                        type="checkbox"
                        checked={picked.includes(ver.version_number)}
                        onChange={(e) => setPicked((p) => (e.target.checked ? [...p.filter((n) => n !== ver.version_number), ver.version_number].slice(-2) : p.filter((n) => n !== ver.version_number)))}
                      />{' '}
                      Compare v{ver.version_number}
                    </label>
                  )}
                </li>
              ))}
            </ol>
            {asset.versions.length > 1 &&
              (picked.length === 2 ? (
                <Link to={`/a/${asset.id}/compare?a=${Math.min(...picked)}&b=${Math.max(...picked)}`}>
                  Compare v{Math.min(...picked)} and v{Math.max(...picked)}
                </Link>
              ) : (
                <p className="hint">Pick two versions to compare them side by side.</p>
              ))}
          </section>
          <section aria-labelledby="meta-title">
            <h2 id="meta-title">Metadata</h2>
            <dl className="meta-list">
              <dt>Type</dt>
              <dd>{v?.content_type ?? asset.assetType.displayType}</dd>
              <dt>Size</dt>
              <dd>{v ? `${v.size} bytes` : '—'}</dd>
              {meta.slice(0, 30).map(([k, x]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{String(x)}</dd>
                </div>
              ))}
            </dl>
          </section>
        </aside>
      </div>
      <div className="asset-lower">
        <div>
          <Comments assetId={asset.id} ann={ann} />
          <Reviews assetId={asset.id} />
        </div>
        <section aria-labelledby="history-title">
          <h2 id="history-title">History</h2>
          <ul className="history">
            {history.slice(0, 50).map((h) => (
              <li key={h.id}>
                {h.type.replace(/_/g, ' ')} · {who(h.user)} · {new Date(h.created_at).toLocaleString()}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </main>
  );
}
