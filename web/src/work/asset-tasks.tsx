import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Task } from '../api/types';
import { useLiveReload } from '../live/live';
import { Link } from '../ui/link';
import { useFocusNewTask } from './focus-new-task';
import { TaskForm } from './task-form';

/*
 * The asset page's tasks: its open tasks (GET /workspaces/assets/{asset_id}/tasks?open=true, by due date), each
 * linking to its task page, and for editors (`task.write`) "New task for this asset", the Work page's form with the
 * asset set.
 */

const LIMIT = 50;

export function AssetTasks({ assetId, canCreate }: { assetId: string; canCreate: boolean }) {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  // After a creation the new task's link takes the focus (the New task button if it is not listed, e.g. closed).
  const setFocusTask = useFocusNewTask(newButton, !creating, listRef);

  const load = useCallback(async () => {
    try {
      setTasks(await api<Task[]>('GET', `/workspaces/assets/${encodeURIComponent(assetId)}/tasks`, { query: { open: true, sort: 'due_date', limit: LIMIT } }));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [assetId]);
  useEffect(() => {
    void load();
  }, [load]);
  useLiveReload((e) => e.type.startsWith('task_'), load);

  return (
    <section aria-labelledby="asset-tasks-title">
      <h2 id="asset-tasks-title">Tasks</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {tasks === null ? (
        !error && <p role="status">Loading tasks…</p>
      ) : tasks.length === 0 ? (
        <p className="hint">No open tasks on this asset.</p>
      ) : (
        <ul ref={listRef} className="my-tasks" aria-label="Open tasks of this asset">
          {tasks.map((t) => (
            <li key={t.id} data-task-id={t.id}>
              <Link to={`/work/t/${t.id}`}>{t.title}</Link>{' '}
              <span className="muted">
                {t.status} · {t.assignee ? t.assignee.email : 'Unassigned'}
                {t.due_date ? ` · due ${t.due_date.slice(0, 10)}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {canCreate &&
        (creating ? (
          <section className="card" aria-labelledby="asset-new-task-title">
            <h3 id="asset-new-task-title">New task for this asset</h3>
            <TaskForm
              assetId={assetId}
              onSaved={async (task) => {
                setCreating(false);
                await load();
                setFocusTask(task.id);
              }}
              onCancel={() => {
                setCreating(false);
                setFocusTask('');
              }}
            />
          </section>
        ) : (
          <button ref={newButton} type="button" onClick={() => setCreating(true)}>
            New task for this asset
          </button>
        ))}
    </section>
  );
}
