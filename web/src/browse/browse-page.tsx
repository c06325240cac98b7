import { useEffect, useMemo, useState } from 'react';
import { api, type Query } from '../api/client';
import type { Asset, AssetTypeInfo } from '../api/types';
import { navigate, setQuery, useLocation } from '../router';
import { Thumb } from '../ui/thumb';
import { BulkBar } from './bulk-bar';
import { Sidebar } from './sidebar';
import { useAssetPages } from './use-asset-pages';
import { VirtualGrid } from './virtual-grid';

const SORTS = [
  ['created_at', 'Date added'],
  ['updated_at', 'Last changed'],
  ['name', 'Name'],
  ['size', 'Size'],
  ['relevance', 'Relevance'],
] as const;

const formatSize = (n: number | undefined) =>
  n === undefined ? '' : n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(2)} GB`;

/** The workspace's assets: navigation, search and filters in the URL, a virtualised grid or list, multi-select. */
export function BrowsePage() {
  const { query } = useLocation();
  const view = query.get('view') === 'list' ? 'list' : 'grid';
  const folder = query.get('folder');
  const filters: Query = useMemo(
    () => ({
      query: query.get('q') ?? undefined,
      folder: folder ?? undefined,
      recursive: folder ? query.get('recursive') !== 'false' : undefined,
      tag: query.get('tag') ?? undefined,
      status: query.get('status') ?? undefined,
      type: query.get('type') ?? undefined,
      locked: query.get('locked') ?? undefined,
      sort: query.get('sort') ?? undefined,
      order: query.get('order') ?? undefined,
    }),
    [query, folder],
  );
  const pages = useAssetPages(filters);
  const [types, setTypes] = useState<AssetTypeInfo[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const [text, setText] = useState(query.get('q') ?? '');

  useEffect(() => {
    void api<AssetTypeInfo[]>('GET', '/workspaces/assetTypes').then(setTypes, () => undefined);
  }, []);

  function toggle(id: string) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      return next;
    });
  }

  const renderCell = (a: Asset) =>
    view === 'grid' ? (
      <div className={`tile${selected.has(a.id) ? ' selected' : ''}`}>
        <input type="checkbox" className="pick" aria-label={`Select ${a.name}`} checked={selected.has(a.id)} onChange={() => toggle(a.id)} />
        <a href={`/a/${a.id}`} className="tile-link" onClick={(e) => (e.preventDefault(), navigate(`/a/${a.id}`))}>
          <span className="thumb">
            <Thumb asset={a} />
          </span>
          <span className="tile-name">{a.name}</span>
        </a>
      </div>
    ) : (
      <div className={`row${selected.has(a.id) ? ' selected' : ''}`}>
        <input type="checkbox" aria-label={`Select ${a.name}`} checked={selected.has(a.id)} onChange={() => toggle(a.id)} />
        <a href={`/a/${a.id}`} onClick={(e) => (e.preventDefault(), navigate(`/a/${a.id}`))}>
          {a.name}
        </a>
        <span>{a.file_location}</span>
        <span>{a.assetType?.displayType}</span>
        <span>{a.assetStatus?.name ?? ''}</span>
        <span>{formatSize(a.currentVersion?.size)}</span>
        <span>{new Date(a.updated_at).toLocaleDateString()}</span>
      </div>
    );

  return (
    <div className="browse">
      <Sidebar folder={folder} tag={query.get('tag')} status={query.get('status')} />
      <section className="results" aria-labelledby="browse-title">
        <h1 id="browse-title" className="sr-only">
          Browse assets
        </h1>
        <form
          className="toolbar"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery({ q: text.trim() || null });
          }}
        >
          <label className="grow">
            <span className="sr-only">Search assets</span>
            <input type="search" placeholder="Search names, tags, metadata…" value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <label>
            <span className="sr-only">Type</span>
            <select value={query.get('type') ?? ''} onChange={(e) => setQuery({ type: e.target.value || null })}>
              <option value="">All types</option>
              {types.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.displayType}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="sr-only">Locked</span>
            <select value={query.get('locked') ?? ''} onChange={(e) => setQuery({ locked: e.target.value || null })}>
              <option value="">Locked or not</option>
              <option value="true">Locked</option>
              <option value="false">Not locked</option>
            </select>
          </label>
          <label>
            <span className="sr-only">Sort by</span>
            <select value={query.get('sort') ?? 'created_at'} onChange={(e) => setQuery({ sort: e.target.value })}>
              {SORTS.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => setQuery({ order: query.get('order') === 'asc' ? 'desc' : 'asc' })}>
            {query.get('order') === 'asc' ? 'Ascending' : 'Descending'}
          </button>
          <button type="button" onClick={() => setQuery({ view: view === 'grid' ? 'list' : null })}>
            {view === 'grid' ? 'List view' : 'Grid view'}
          </button>
          <button type="submit" className="primary">
            Search
          </button>
        </form>
        <p className="status-line" role="status">
          {folder ? `Folder ${folder}` : 'All assets'} · {pages.items.length}
          {pages.done ? '' : '+'} shown{pages.loading ? ' · loading…' : ''}
          <button type="button" className="link" onClick={() => setSelected(new Set(pages.items.map((a) => a.id)))}>
            Select all shown
          </button>
        </p>
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
        {selected.size > 0 && (
          <BulkBar
            ids={[...selected]}
            onClear={() => setSelected(new Set())}
            onDone={(m) => {
              setNotice(m);
              setSelected(new Set());
              pages.reload();
            }}
          />
        )}
        {pages.error && <p className="error">Could not load assets: {pages.error}</p>}
        {pages.done && pages.items.length === 0 && !pages.error ? (
          <p className="empty">No assets here. Upload some, or change the filters.</p>
        ) : (
          <VirtualGrid
            items={pages.items}
            label="Assets"
            rowHeight={view === 'grid' ? 210 : 40}
            minCellWidth={view === 'grid' ? 180 : null}
            onNearEnd={() => {
              if (!pages.done) {
                void pages.loadMore();
              }
            }}
            renderCell={renderCell}
          />
        )}
      </section>
    </div>
  );
}
