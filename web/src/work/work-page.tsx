import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { useLiveReload } from '../live/live';
import { api, ApiError } from '../api/client';
import type { Task, TaskList, TaskStatus } from '../api/types';
import { Link } from '../ui/link';
import { usePermissions } from '../ui/permissions';
import { useFocusNewTask } from './focus-new-task';
import { TaskForm } from './task-form';

/*
 * Work: the caller's open tasks, and every task of the workspace on a board by status. Moving a card (drag and drop,
 * or the card's "Move to" menu for keyboards and screen readers) is one PATCH of the task's status_id on the core
 * API (docs/api-core.md "Tasks"); the board reloads from the server afterwards, so it never shows a state the server
 * refused. Editors (`task.write`) get **New task** (web/src/work/task-form.tsx); the new task's card has the focus after.
 */

const MAX_TASKS = 100;

export function WorkPage() {
  const [statuses, setStatuses] = useState<TaskStatus[]>([]);
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [mine, setMine] = useState<Task[]>([]);
  const [error, setError] = useState('');
  const [over, setOver] = useState<string | null>(null);
  const perms = usePermissions();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ id: string; title: string } | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    try {
      const [s, all, my] = await Promise.all([
        api<TaskStatus[]>('GET', '/workspaces/tasks/statuses'),
        // Newest first, so a task just created is on the board even when the workspace has more than MAX_TASKS.
        api<TaskList>('GET', '/workspaces/tasks', { query: { limit: MAX_TASKS, sort: '-created_at' } }),
        api<TaskList>('GET', '/workspaces/tasks', { query: { assignee_id: 'me', open: true, sort: 'due_date', limit: MAX_TASKS } }),
      ]);
      setStatuses([...s].sort((a, b) => a.rank - b.rank));
      setTasks(all.tasks);
      setMine(my.tasks);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);
  // Others' new tasks, moves and assignments come by the live stream (web/src/live).
  useLiveReload((e) => e.type.startsWith('task_'), load);

  // After a creation the new card takes the focus (or, off the board, the New task button); after a cancel the button.
  const setFocusTask = useFocusNewTask(newButton, !creating && tasks !== null);

  async function taskCreated(task: Task) {
    setCreating(false);
    setCreated({ id: task.id, title: task.title });
    await load();
    setFocusTask(task.id);
  }

  async function move(taskId: string, statusId: string) {
    const task = tasks?.find((t) => t.id === taskId);
    if (!task || task.status_id === statusId) {
      return;
    }
    setError('');
    // Shown at once; the reload below puts it back if the server said no.
    setTasks((list) => list?.map((t) => (t.id === taskId ? { ...t, status_id: statusId } : t)) ?? null);
    try {
      await api('PATCH', `/workspaces/tasks/${encodeURIComponent(taskId)}`, { json: { status_id: statusId } });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? 'You may not change the status of this task.' : String((err as Error).message));
    }
    await load();
  }

  function drop(e: DragEvent<HTMLElement>, statusId: string) {
    e.preventDefault();
    setOver(null);
    const id = e.dataTransfer.getData('application/x-atelier-task');
    if (id) {
      void move(id, statusId);
    }
  }

  if (tasks === null) {
    return error ? <p className="error" role="alert">{error}</p> : <p role="status">Loading tasks…</p>;
  }
  return (
    <section className="work">
      <div className="card-head">
        <h1>Work</h1>
        {perms.can('task.write') && !creating && (
          <button
            ref={newButton}
            type="button"
            className="primary"
            onClick={() => {
              setCreated(null);
              setCreating(true);
            }}
          >
            New task
          </button>
        )}
      </div>
      {creating && (
        <section className="card" aria-labelledby="new-task-title">
          <h2 id="new-task-title">New task</h2>
          <TaskForm
            onSaved={taskCreated}
            onCancel={() => {
              setCreating(false);
              setFocusTask('');
            }}
          />
        </section>
      )}
      <p role="status" className="muted">
        {created ? `Task “${created.title}” created.` : ''}
      </p>
      {error && <p className="error" role="alert">{error}</p>}
      <h2>My tasks</h2>
      {mine.length === 0 ? (
        <p className="empty">No open tasks are assigned to you.</p>
      ) : (
        <ul className="my-tasks" aria-label="My tasks">
          {mine.map((t) => (
            <li key={t.id}>
              <Link to={`/work/t/${t.id}`}>{t.title}</Link> <span className="muted">{t.status}{t.due_date ? ` · due ${t.due_date.slice(0, 10)}` : ''} · {t.priority}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>Board</h2>
      {tasks.length >= MAX_TASKS && <p className="muted">Showing the newest {MAX_TASKS} tasks.</p>}
      <div className="board">
        {statuses.map((s) => {
          const cards = tasks.filter((t) => t.status_id === s.id);
          return (
            <section
              key={s.id}
              className={`column${over === s.id ? ' over' : ''}`}
              aria-label={s.name}
              data-status={s.name}
              onDragOver={(e) => {
                e.preventDefault();
                setOver(s.id);
              }}
              onDragLeave={() => setOver(null)}
              onDrop={(e) => drop(e, s.id)}
            >
              <h3>
                <span className="dot" style={{ background: s.color ?? undefined }} aria-hidden="true" /> {s.name} <span className="muted">({cards.length})</span>
              </h3>
              <ul aria-label={`${s.name} tasks`}>
                {cards.map((t) => (
                  <li
                    key={t.id}
                    className="task-card"
                    data-task-id={t.id}
                    draggable
                    onDragStart={(e) => {
                      e.dataTransfer.setData('application/x-atelier-task', t.id);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                  >
                    <Link to={`/work/t/${t.id}`}>{t.title}</Link>
                    <span className="muted">{t.assignee ? t.assignee.email : 'Unassigned'} · {t.priority}</span>
                    <label>
                      <span className="sr-only">Move {t.title} to</span>
                      <select value={s.id} onChange={(e) => void move(t.id, e.target.value)}>
                        {statuses.map((o) => (
                          <option key={o.id} value={o.id}>
                            {o.name}
                          </option>
                        ))}
                      </select>
                    </label>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </section>
  );
}
