import { useEffect, useState } from 'react';
import { api, saveBlob } from '../api/client';
import type { AssetStatus } from '../api/types';

/** Actions on the selected assets: tag, move, set status, download as ZIP, move to the trash. */
export function BulkBar({ ids, onDone, onClear }: { ids: string[]; onDone: (message: string) => void; onClear: () => void }) {
  const [statuses, setStatuses] = useState<AssetStatus[]>([]);
  const [tag, setTag] = useState('');
  const [folder, setFolder] = useState('/');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api<AssetStatus[]>('GET', '/workspaces/assetStatuses').then(setStatuses, () => undefined);
  }, []);

  async function run(what: string, fn: () => Promise<unknown>) {
    setBusy(true);
    try {
      await fn();
      onDone(`${what}: ${ids.length} asset${ids.length === 1 ? '' : 's'}.`);
    } catch (err) {
      onDone(`${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  }
  const each = (fn: (id: string) => Promise<unknown>) => Promise.all(ids.map(fn));

  return (
    <section className="bulk" aria-label="Selected assets">
      <strong>{ids.length} selected</strong>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (tag.trim()) {
            void run('Tagged', () => each((id) => api('POST', `/workspaces/assets/${id}/tags`, { json: { names: [tag.trim()] } })));
          }
        }}
      >
        <label>
          <span className="sr-only">Tag name</span>
          <input placeholder="Tag" value={tag} onChange={(e) => setTag(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Tag
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run('Moved', () => each((id) => api('PATCH', `/workspaces/assets/${id}`, { json: { file_location: folder } })));
        }}
      >
        <label>
          <span className="sr-only">Move to folder</span>
          <input placeholder="/Folder/" value={folder} onChange={(e) => setFolder(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          Move
        </button>
      </form>
      <label>
        <span className="sr-only">Set status</span>
        <select
          value=""
          disabled={busy}
          onChange={(e) => {
            const statusId = e.target.value === 'none' ? null : e.target.value;
            void run('Status set', () => each((id) => api('PATCH', `/workspaces/assets/${id}`, { json: { status_id: statusId } })));
          }}
        >
          <option value="">Set status…</option>
          <option value="none">No status</option>
          {statuses.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={busy} onClick={() => void run('Downloaded', async () => saveBlob(await api<Blob>('POST', '/workspaces/assets/download', { json: { ids } }), 'assets.zip'))}>
        Download ZIP
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => void run('Moved to the trash', () => api('DELETE', '/workspaces/assets', { json: { ids } }))}>
        Move to trash
      </button>
      <button type="button" onClick={onClear}>
        Clear selection
      </button>
    </section>
  );
}
