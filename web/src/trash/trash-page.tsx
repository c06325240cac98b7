import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Asset } from '../api/types';

/** Assets in the trash, newest deletion first, with restore. */
export function TrashPage() {
  const [list, setList] = useState<Asset[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(() => void api<Asset[] | { assets: Asset[] }>('GET', '/workspaces/trash').then((r) => setList(Array.isArray(r) ? r : r.assets), () => setList([])), []);
  useEffect(load, [load]);
  return (
    <main aria-labelledby="trash-title">
      <h1 id="trash-title">Trash</h1>
      {notice && <p role="status">{notice}</p>}
      {list === null && <p role="status">Loading…</p>}
      {list?.length === 0 && <p className="empty">The trash is empty.</p>}
      <ul className="trash">
        {list?.map((a) => (
          <li key={a.id}>
            <span>
              {a.file_location}
              {a.name}
            </span>{' '}
            <span className="muted">deleted {a.deleted_at ? new Date(a.deleted_at).toLocaleString() : ''}</span>{' '}
            <button
              type="button"
              onClick={async () => {
                const restored = await api<Asset>('PATCH', `/workspaces/assets/${a.id}/restore`);
                setNotice(`Restored ${restored.file_location}${restored.name}.`);
                load();
              }}
            >
              Restore
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
