import { useCallback, useEffect, useState } from 'react';
import { useLiveReload } from '../live/live';
import { api } from '../api/client';
import type { ChecklistItem, Task, Watchers } from '../api/types';
import { navigate } from '../router';
import { Link } from '../ui/link';
import { usePermissions } from '../ui/permissions';
import { WatchersCard } from '../ui/watchers-card';
import { TaskForm } from './task-form';
import { DeleteButton } from '../ui/delete-button';

/*
 * One task: the core task (GET /workspaces/tasks/{id}), its checklist and its watchers, all by the core routes
 * (docs/api-core.md "Tasks"), so that everyone who sees the task on the Work page can open it (the Workstream routes
 * show a non-admin only the tasks they created).
 */

export function TaskPage({ taskId }: { taskId: string }) {
  const [task, setTask] = useState<Task | null>(null);
  const [items, setItems] = useState<ChecklistItem[]>([]);
  const [watchers, setWatchers] = useState<Watchers>({ watching: false, watchers: [] });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState(false);
  const perms = usePermissions();

  const load = useCallback(async () => {
    try {
      const t = await api<Task>('GET', `/workspaces/tasks/${encodeURIComponent(taskId)}`);
      const [c, w] = await Promise.all([
        api<ChecklistItem[]>('GET', `/workspaces/tasks/${encodeURIComponent(t.id)}/checklist`),
        api<Watchers>('GET', `/workspaces/tasks/${encodeURIComponent(t.id)}/watchers`),
      ]);
      setTask(t);
      setItems(c);
      setWatchers(w);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [taskId]);

  useEffect(() => {
    void load();
  }, [load]);
  // Others' changes to this task (status, assignee, checklist, watchers) come by the live stream.
  useLiveReload((e) => e.type.startsWith('task_') && task !== null && e.record_id === task.id, load);

  /** The PUT takes the whole checklist: the items with their ids (kept), the changed one, the new one if any. */
  async function save(next: Array<{ id?: string; value: string; done: boolean }>) {
    if (!task) {
      return;
    }
    setBusy(true);
    setError('');
    try {
      const list = await api<ChecklistItem[]>('PUT', `/workspaces/tasks/${encodeURIComponent(task.id)}/checklist`, {
        json: { checklist_items: next },
      });
      setItems(list);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  if (!task) {
    return error ? <p className="error" role="alert">{error}</p> : <p role="status">Loading task…</p>;
  }
  const done = items.filter((i) => i.done).length;
  return (
    <article className="task-page">
      <p>
        <Link to="/work">← Work</Link>
      </p>
      <div className="card-head">
        <h1>{task.title}</h1>
        {perms.can('task.write') && !editing && (
          <div className="actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit task
            </button>
            <DeleteButton
              label="Delete task"
              onDelete={() =>
                void api('DELETE', `/workspaces/tasks/${encodeURIComponent(task.id)}`).then(
                  () => navigate('/work'),
                  (err: Error) => setError(err.message),
                )
              }
            />
          </div>
        )}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {editing && (
        <section className="card" aria-label="Edit task">
          <TaskForm
            task={task}
            onSaved={(saved) => {
              setTask(saved);
              setEditing(false);
            }}
            onCancel={() => setEditing(false)}
          />
        </section>
      )}
      <dl className="facts">
        <dt>Status</dt>
        <dd>{task.status}</dd>
        <dt>Priority</dt>
        <dd>{task.priority}</dd>
        <dt>Assignee</dt>
        <dd>{task.assignee?.email ?? 'Unassigned'}</dd>
        <dt>Due</dt>
        <dd>{task.due_date ? task.due_date.slice(0, 10) : 'No due date'}</dd>
        {task.asset_id && (
          <>
            <dt>Asset</dt>
            <dd>
              <Link to={`/a/${task.asset_id}`}>{task.asset?.name ?? 'Open the asset'}</Link>
            </dd>
          </>
        )}
      </dl>
      {task.description && <p className="description">{task.description}</p>}
      <section className="card" aria-labelledby="checklist-h">
        <h2 id="checklist-h">
          Checklist <span className="muted">({done}/{items.length})</span>
        </h2>
        {items.length === 0 && <p className="muted">No checklist items yet.</p>}
        <ul className="checklist" aria-label="Checklist">
          {items.map((item) => (
            <li key={item.id}>
              <label>
                <input
                  type="checkbox"
                  checked={item.done}
                  disabled={busy}
                  onChange={(e) => void save(items.map((i) => ({ id: i.id, value: i.value, done: i.id === item.id ? e.target.checked : i.done })))}
                />{' '}
                {item.value}
              </label>
            </li>
          ))}
        </ul>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const value = draft.trim();
            if (value) {
              void save([...items.map((i) => ({ id: i.id, value: i.value, done: i.done })), { value, done: false }]).then(() => setDraft(''));
            }
          }}
        >
          <label>
            New checklist item <input value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={3000} />
          </label>{' '}
          <button type="submit" disabled={busy}>
            Add
          </button>
        </form>
      </section>
      <WatchersCard path={`/workspaces/tasks/${encodeURIComponent(task.id)}/watchers`} noun="task" watchers={watchers} onChange={setWatchers} onError={setError} />
    </article>
  );
}
