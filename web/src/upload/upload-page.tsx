import { useRef, useState, type DragEvent } from 'react';
import { navigate } from '../router';
import { tusUpload } from './tus';

interface Item {
  id: number;
  file: File;
  folder: string;
  sent: number;
  state: 'queued' | 'uploading' | 'done' | 'failed';
  message: string;
  assetId: string | null;
}

const PARALLEL = 3;

const joinFolder = (base: string, rel: string) => {
  const parts = `${base}/${rel}`.split('/').filter(Boolean);
  return parts.length ? `/${parts.join('/')}/` : '/';
};

/** Files (and whole folders) from a drop, with their folder relative to the drop. */
async function filesOfDrop(e: DragEvent): Promise<Array<{ file: File; rel: string }>> {
  const out: Array<{ file: File; rel: string }> = [];
  const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter((x): x is FileSystemEntry => !!x);
  if (entries.length === 0) {
    return [...e.dataTransfer.files].map((file) => ({ file, rel: '' }));
  }
  async function walk(entry: FileSystemEntry, rel: string): Promise<void> {
    if (entry.isFile) {
      const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      out.push({ file, rel });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      if (batch.length === 0) {
        break;
      }
      for (const child of batch) {
        await walk(child, `${rel}${entry.name}/`);
      }
    }
  }
  for (const entry of entries) {
    await walk(entry, '');
  }
  return out;
}

/** Drag and drop or pick files and folders; parallel, resumable (tus) uploads with per-file and overall progress. */
export function UploadPage() {
  const [items, setItems] = useState<Item[]>([]);
  const [folder, setFolder] = useState(new URLSearchParams(location.search).get('folder') ?? '/');
  const [over, setOver] = useState(false);
  const nextId = useRef(1);
  const running = useRef(0);
  const queue = useRef<Item[]>([]);

  const update = (id: number, change: Partial<Item>) => setItems((prev) => prev.map((i) => (i.id === id ? { ...i, ...change } : i)));

  function pump() {
    while (running.current < PARALLEL && queue.current.length > 0) {
      const item = queue.current.shift();
      if (!item) {
        break;
      }
      running.current += 1;
      update(item.id, { state: 'uploading' });
      const controller = new AbortController();
      tusUpload(item.file, item.folder, (sent) => update(item.id, { sent }), controller.signal)
        .then((r) => update(item.id, { state: 'done', assetId: r.assetId, message: r.resumedFrom > 0 ? `resumed at ${Math.round((100 * r.resumedFrom) / Math.max(1, item.file.size))}%` : '' }))
        .catch((err: unknown) => update(item.id, { state: 'failed', message: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          running.current -= 1;
          pump();
        });
    }
  }

  function add(files: Array<{ file: File; rel: string }>) {
    const added = files.map(({ file, rel }) => ({ id: nextId.current++, file, folder: joinFolder(folder, rel), sent: 0, state: 'queued' as const, message: '', assetId: null }));
    setItems((prev) => [...prev, ...added]);
    queue.current.push(...added);
    pump();
  }

  const total = items.reduce((n, i) => n + i.file.size, 0);
  const sent = items.reduce((n, i) => n + Math.min(i.sent, i.file.size), 0);
  const pct = total === 0 ? (items.length > 0 && items.every((i) => i.state === 'done') ? 100 : 0) : Math.round((100 * sent) / total);

  return (
    <main className="upload" aria-labelledby="upload-title">
      <h1 id="upload-title">Upload</h1>
      <label>
        Into folder
        <input value={folder} onChange={(e) => setFolder(e.target.value)} />
      </label>
      <div
        className={`drop${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={async (e) => {
          e.preventDefault();
          setOver(false);
          add(await filesOfDrop(e));
        }}
      >
        <p>Drop files or folders here. A file with the name of an asset in the folder becomes its new version.</p>
        <label className="button">
          Choose files
          <input type="file" multiple className="sr-only" onChange={(e) => add([...(e.target.files ?? [])].map((file) => ({ file, rel: '' })))} />
        </label>
        <label className="button">
          Choose a folder
          <input
            type="file"
            className="sr-only"
            webkitdirectory=""
            onChange={(e) => add([...(e.target.files ?? [])].map((file) => ({ file, rel: file.webkitRelativePath.split('/').slice(0, -1).join('/') })))}
          />
        </label>
      </div>
      {items.length > 0 && (
        <section aria-label="Uploads">
          <p>
            Overall: <progress max={100} value={pct} aria-label="Overall progress" /> {pct}% · {items.filter((i) => i.state === 'done').length} of {items.length} done
          </p>
          <ul className="uploads">
            {items.map((i) => (
              <li key={i.id} data-state={i.state}>
                <span className="name">
                  {i.folder}
                  {i.file.name}
                </span>
                <progress max={Math.max(1, i.file.size)} value={Math.min(i.sent, i.file.size)} aria-label={`Progress of ${i.file.name}`} />
                <span className="state">
                  {i.state}
                  {i.message ? ` (${i.message})` : ''}
                </span>
                {i.assetId && (
                  <button type="button" className="link" onClick={() => navigate(`/a/${i.assetId}`)}>
                    Open
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
