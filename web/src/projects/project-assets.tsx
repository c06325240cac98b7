import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Asset, SearchPage, WsMiniAsset } from '../api/types';
import { Link } from '../ui/link';
import { Thumb } from '../ui/thumb';

/** Workstream's approval status numbers (docs/approvals.md). */
const APPROVAL_LABEL: Record<number, string> = { 1: 'Approval pending', 2: 'Approved', [-1]: 'Approval cancelled' };

export type ApprovalBySequence = Map<number, NonNullable<WsMiniAsset['approval']>>;

/** Searches the workspace (GET /workspaces/assets/search) and links the chosen assets to the project. */
function AddAssets({ projectId, linked, onAdded }: { projectId: string; linked: ReadonlySet<string>; onAdded: () => void }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Asset[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search(e: FormEvent) {
    e.preventDefault();
    try {
      const page = await api<SearchPage>('GET', '/workspaces/assets/search', { query: { query: q.trim(), limit: 20 } });
      setFound(page.assets);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  async function add(a: Asset) {
    try {
      await api('POST', `/workspaces/projects/${projectId}/assets`, { json: { asset_ids: [a.id] } });
      setError(null);
      onAdded();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <div className="add-assets">
      <form onSubmit={search} className="inline-form" role="search" aria-label="Assets to add">
        <label>
          Find assets to add
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, tag, description…" />
        </label>
        <button type="submit">Search</button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {found &&
        (found.length === 0 ? (
          <p className="muted">No assets match.</p>
        ) : (
          <ul className="found" aria-label="Search results">
            {found.map((a) => (
              <li key={a.id}>
                <span>{a.name}</span>{' '}
                {linked.has(a.id) ? (
                  <span className="muted">in the project</span>
                ) : (
                  <button type="button" onClick={() => void add(a)} aria-label={`Add ${a.name} to the project`}>
                    Add
                  </button>
                )}
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

/** The project's linked assets as thumbnails, each with its latest approval's state and (for editors) Remove. */
export function ProjectAssets({ projectId, assets, total, approvals, canEdit, onChanged, onShowMore }: {
  projectId: string;
  /** The linked assets shown so far (the first `Show more` windows). */
  assets: Asset[];
  /** How many assets the project has. */
  total: number;
  approvals: ApprovalBySequence;
  canEdit: boolean;
  onChanged: () => void;
  onShowMore: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  async function remove(a: Asset) {
    try {
      await api('DELETE', `/workspaces/projects/${projectId}/assets`, { json: { asset_ids: [a.id] } });
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    onChanged();
  }
  return (
    <section className="card" aria-labelledby="project-assets-title">
      <h2 id="project-assets-title">Assets ({total})</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {assets.length === 0 ? (
        <p className="empty">No assets are linked to this project yet.</p>
      ) : (
        <ul className="project-assets" aria-label="Project assets">
          {assets.map((a) => {
            const approval = approvals.get(a.sequence);
            return (
              <li key={a.id} className="tile">
                <Link to={`/a/${a.id}`} className="tile-link">
                  <span className="thumb">
                    <Thumb asset={a} />
                  </span>
                  <span className="tile-name">{a.name}</span>
                </Link>
                <span className="tile-meta">
                  <span className="muted">{approval ? (APPROVAL_LABEL[approval.status] ?? `Approval status ${approval.status}`) : 'No approval'}</span>
                  {canEdit && (
                    <button type="button" className="link danger" onClick={() => void remove(a)} aria-label={`Remove ${a.name} from the project`}>
                      Remove
                    </button>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {assets.length < total && (
        <button type="button" className="link" onClick={onShowMore}>
          Show more<span className="sr-only"> assets of the project</span> ({total - assets.length} not shown)
        </button>
      )}
      {canEdit && <AddAssets projectId={projectId} linked={new Set(assets.map((a) => a.id))} onAdded={onChanged} />}
    </section>
  );
}
