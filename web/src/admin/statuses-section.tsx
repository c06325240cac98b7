import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';

/** The fields asset statuses and task statuses share (task statuses also have is_closed). */
interface StatusLike {
  id: string;
  name: string;
  color: string;
  rank: string | number;
  is_closed?: boolean;
}

function StatusItem({ status, path, closable, readOnly, onChanged, onError }: {
  status: StatusLike;
  path: string;
  closable: boolean;
  readOnly: boolean;
  onChanged: () => void;
  onError: (message: string | null) => void;
}) {
  const [name, setName] = useState(status.name);
  const [color, setColor] = useState(status.color);
  const [closed, setClosed] = useState(status.is_closed ?? false);
  const dirty = name !== status.name || color !== status.color || closed !== (status.is_closed ?? false);

  async function run(fn: () => Promise<unknown>) {
    try {
      await fn();
      onError(null);
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err));
    }
    onChanged();
  }
  return (
    <li className="status-item">
      <span className="dot" style={{ background: status.color }} aria-hidden="true" />
      {readOnly ? (
        <span>
          {status.name}
          {status.is_closed ? ' (closed)' : ''}
        </span>
      ) : (
        <>
          <label>
            <span className="sr-only">Name of {status.name}</span>
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            <span className="sr-only">Colour of {status.name}</span>
            <input type="color" value={color} onChange={(e) => setColor(e.target.value)} />
          </label>
          {closable && (
            <label className="check">
              <input type="checkbox" checked={closed} onChange={(e) => setClosed(e.target.checked)} /> Closed
            </label>
          )}
          <button
            type="button"
            disabled={!dirty}
            onClick={() => void run(() => api('PATCH', `${path}/${status.id}`, { json: { name, color, ...(closable ? { is_closed: closed } : {}) } }))}
          >
            Save<span className="sr-only"> {status.name}</span>
          </button>
          <button type="button" className="danger" onClick={() => void run(() => api('DELETE', `${path}/${status.id}`))}>
            Delete<span className="sr-only"> {status.name}</span>
          </button>
        </>
      )}
    </li>
  );
}

/**
 * A workspace's asset statuses or task statuses (GET/POST/PATCH/DELETE on `path`), in rank order: rename, recolour,
 * add, delete; task statuses also open or closed. Read-only for people who may not manage them.
 */
export function StatusesSection({ title, path, closable, readOnly }: { title: string; path: string; closable: boolean; readOnly: boolean }) {
  const id = useId();
  const [list, setList] = useState<StatusLike[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [color, setColor] = useState('#6b7280');

  const load = useCallback(async () => {
    try {
      const got = await api<StatusLike[]>('GET', path);
      setList([...got].sort((a, b) => Number(a.rank) - Number(b.rank)));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [path]);

  useEffect(() => {
    void load();
  }, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    try {
      const last = list?.at(-1);
      await api('POST', path, { json: { name: name.trim(), color, rank: last ? Number(last.rank) + 10 : 10 } });
      setName('');
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    await load();
  }

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {list === null ? (
        !error && <p role="status">Loading…</p>
      ) : list.length === 0 ? (
        <p className="empty">No statuses yet.</p>
      ) : (
        <ul className="status-list" aria-label={title}>
          {list.map((s) => (
            <StatusItem key={`${s.id}:${s.name}:${s.color}:${String(s.is_closed)}`} status={s} path={path} closable={closable} readOnly={readOnly} onChanged={() => void load()} onError={setError} />
          ))}
        </ul>
      )}
      {!readOnly && (
        <form onSubmit={add} className="inline-form">
          <label>
            New status
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Colour
            <input type="color" value={color} onChange={(e) => setColor(e.target.value)} />
          </label>
          <button type="submit">Add status</button>
        </form>
      )}
    </section>
  );
}
