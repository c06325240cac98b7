import { useCallback, useEffect, useState } from 'react';
import { useLiveReload } from '../live/live';
import { api } from '../api/client';
import type { ChecklistItem, Task, TaskWatchers } from '../api/types';
import { Link } from '../ui/link';
import { TaskWatchersCard } from './task-watchers';

/*
 * One task: the core task (GET /workspaces/tasks/{id}), its checklist and its watchers. The core API has no checklist
 * routes; the Workstream surface has them (T7/T11) under the task's integer id (`sequence`), and it accepts the same
 * session cookie, so the page calls those (docs/web.md "Work"). Watchers are the core routes'.
 */

export function TaskPage({ taskId }: { taskId: string }) {
  const [task, setTask] = useState<Task | null>(null);
  const [items, setItems] = useState<ChecklistItem[]>([]);
  const [watchers, setWatchers] = useState<TaskWatchers>({ watching: false, watchers: [] });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState('');

  const load = useCallback(async () => {
    try {
      const t = await api<Task>('GET', `/workspaces/tasks/${encodeURIComponent(taskId)}`);
      const [c, w] = await Promise.all([
        api<ChecklistItem[]>('GET', `/workstream/tasks/${t.sequence}/checklists`),
        api<TaskWatchers>('GET', `/workspaces/tasks/${encodeURIComponent(t.id)}/watchers`),
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

  /** T11 takes the whole checklist: the items with their ids (kept), the changed one, the new one if any. */
  async function save(next: Array<{ id?: number; value: string; status: 0 | 1 }>) {
    if (!task) {
      return;
    }
    setBusy(true);
    setError('');
    try {
      const list = await api<ChecklistItem[]>('POST', `/workstream/tasks/${task.sequence}/checklists`, {
        json: { checklist_items: next.map((i, pos) => ({ ...(i.id ? { id: i.id } : {}), value: i.value, status: i.status, pos })) },
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
  const done = items.filter((i) => i.status === 1).length;
  return (
    <article className="task-page">
      <p>
        <Link to="/work">← Work</Link>
      </p>
      <h1>{task.title}</h1>
      {error && <p className="error" role="alert">{error}</p>}
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
                  checked={item.status === 1}
                  disabled={busy}
                  onChange={(e) => void save(items.map((i) => ({ id: i.id, value: i.value, status: i.id === item.id ? (e.target.checked ? 1 : 0) : i.status })))}
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
              void save([...items.map((i) => ({ id: i.id, value: i.value, status: i.status })), { value, status: 0 }]).then(() => setDraft(''));
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
      <TaskWatchersCard task={task} watchers={watchers} onChange={setWatchers} onError={setError} />
    </article>
  );
}
