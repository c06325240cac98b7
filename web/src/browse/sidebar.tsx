import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { AssetStatus, FolderNode, Tag } from '../api/types';
import { setQuery } from '../router';

function FolderItem({ node, current }: { node: FolderNode; current: string | null }) {
  return (
    <li>
      <button type="button" className="link" aria-current={current === node.path ? 'true' : undefined} onClick={() => setQuery({ folder: node.path })}>
        {node.name} <span className="count">{node.asset_count}</span>
      </button>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((c) => (
            <FolderItem key={c.id} node={c} current={current} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Folders, tags and statuses as navigation: each click sets one filter of the browse page. */
export function Sidebar({ folder, tag, status }: { folder: string | null; tag: string | null; status: string | null }) {
  const [folders, setFolders] = useState<FolderNode[]>([]);
  const [tags, setTags] = useState<Tag[]>([]);
  const [statuses, setStatuses] = useState<AssetStatus[]>([]);
  useEffect(() => {
    void api<FolderNode[]>('GET', '/workspaces/folders/hierarchy').then(setFolders, () => undefined);
    void api<Tag[]>('GET', '/workspaces/tags').then(setTags, () => undefined);
    void api<AssetStatus[]>('GET', '/workspaces/assetStatuses').then(setStatuses, () => undefined);
  }, []);
  return (
    <aside className="sidebar" aria-label="Browse by">
      <h2>Folders</h2>
      <ul className="tree">
        <li>
          <button type="button" className="link" aria-current={folder === null ? 'true' : undefined} onClick={() => setQuery({ folder: null })}>
            All assets
          </button>
        </li>
        {folders.map((f) => (
          <FolderItem key={f.id} node={f} current={folder} />
        ))}
      </ul>
      <h2>Tags</h2>
      <ul className="chips">
        {tags.length === 0 && <li className="muted">No tags yet</li>}
        {tags.map((t) => (
          <li key={t.id}>
            <button type="button" className="chip" aria-pressed={tag === t.id} onClick={() => setQuery({ tag: tag === t.id ? null : t.id })}>
              {t.name}
            </button>
          </li>
        ))}
      </ul>
      <h2>Statuses</h2>
      <ul className="chips">
        {statuses.map((s) => (
          <li key={s.id}>
            <button type="button" className="chip" aria-pressed={status === s.id} onClick={() => setQuery({ status: status === s.id ? null : s.id })}>
              {s.name}
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
