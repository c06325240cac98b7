import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { useLiveReload } from '../live/live';
import { api, ApiError } from '../api/client';
import type { Task, TaskList, TaskStatus } from '../api/types';
import { Link } from '../ui/link';
import { usePermissions } from '../ui/permissions';
import { useFocusNewTask } from './focus-new-task';
import { TaskForm } from './task-form';

/*
 * Work: the caller's open tasks, and every task of the workspace on a board by status. Each column loads its own
 * tasks, newest first, COLUMN_PAGE at a time (`Show more` follows its cursor), so a busy column does not crowd the
 * others out. Moving a card (drag and drop, or the card's "Move to" menu for keyboards and screen readers) is one
 * PATCH of the task's status_id on the core API (docs/api-core.md "Tasks"); the board reloads from the server
 * afterwards, so it never shows a state the server refused. Editors (`task.write`) get **New task**
 * (web/src/work/task-form.tsx); the new task's card has the focus after.
 */

const MAX_TASKS = 100;
/** Cards a column loads at a time. */
export const COLUMN_PAGE = 50;
/** The most a reload asks for per column (the API's limit): a column shown further loads its first 500 again. */
const COLUMN_RELOAD_MAX = 500;

interface Column {
  tasks: Task[];
  next: string | null;
}

const columnQuery = (statusId: string, limit: number, cursor?: string) => ({ status_id: statusId, sort: '-created_at', limit, ...(cursor ? { cursor } : {}) });

export function WorkPage() {
  const [statuses, setStatuses] = useState<TaskStatus[]>([]);
  const [columns, setColumns] = useState<Record<string, Column> | null>(null);
  const [mine, setMine] = useState<Task[]>([]);
  const [error, setError] = useState('');
  const [over, setOver] = useState<string | null>(null);
  const perms = usePermissions();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ id: string; title: string } | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  // How many cards each column shows, so a reload (a live event, a move) keeps what `Show more` opened.
  const shown = useRef<Record<string, number>>({});

  const load = useCallback(async () => {
    try {
      const [s, my] = await Promise.all([
        api<TaskStatus[]>('GET', '/workspaces/tasks/statuses'),
        api<TaskList>('GET', '/workspaces/tasks', { query: { assignee_id: 'me', open: true, sort: 'due_date', limit: MAX_TASKS } }),
      ]);
      const pages = await Promise.all(
        s.map((status) =>
          api<TaskList>('GET', '/workspaces/tasks', {
            query: columnQuery(status.id, Math.min(COLUMN_RELOAD_MAX, Math.max(COLUMN_PAGE, shown.current[status.id] ?? 0))),
          }),
        ),
      );
      setStatuses([...s].sort((a, b) => a.rank - b.rank));
      setColumns(Object.fromEntries(s.map((status, i) => [status.id, { tasks: pages[i]!.tasks, next: pages[i]!.next_cursor }])));
      setMine(my.tasks);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);

  async function showMore(statusId: string) {
    const column = columns?.[statusId];
    if (!column?.next) {
      return;
    }
    try {
      const page = await api<TaskList>('GET', '/workspaces/tasks', { query: columnQuery(statusId, COLUMN_PAGE, column.next) });
      setColumns((all) => (all ? { ...all, [statusId]: { tasks: [...(all[statusId]?.tasks ?? []), ...page.tasks], next: page.next_cursor } } : all));
    } catch (err) {
      setError((err as Error).message);
    }
  }

  useEffect(() => {
    if (columns) {
      shown.current = Object.fromEntries(Object.entries(columns).map(([id, c]) => [id, c.tasks.length]));
    }
  }, [columns]);

  useEffect(() => {
    void load();
  }, [load]);
  // Others' new tasks, moves and assignments come by the live stream (web/src/live).
  useLiveReload((e) => e.type.startsWith('task_'), load);

  // After a creation the new card takes the focus (or, off the board, the New task button); after a cancel the button.
  const setFocusTask = useFocusNewTask(newButton, !creating && columns !== null);

  async function taskCreated(task: Task) {
    setCreating(false);
    setCreated({ id: task.id, title: task.title });
    await load();
    setFocusTask(task.id);
  }

  async function move(taskId: string, statusId: string) {
    const task = Object.values(columns ?? {})
      .flatMap((c) => c.tasks)
      .find((t) => t.id === taskId);
    if (!task || task.status_id === statusId) {
      return;
    }
    setError('');
    // Shown at once; the reload below puts it back if the server said no.
    setColumns((all) => {
      if (!all) {
        return all;
      }
      const without = Object.fromEntries(Object.entries(all).map(([id, c]) => [id, { ...c, tasks: c.tasks.filter((t) => t.id !== taskId) }]));
      const target = without[statusId];
      return target ? { ...without, [statusId]: { ...target, tasks: [{ ...task, status_id: statusId }, ...target.tasks] } } : without;
    });
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

  if (columns === null) {
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
      <div className="board">
        {statuses.map((s) => {
          const column = columns[s.id] ?? { tasks: [], next: null };
          const cards = column.tasks;
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
                <span className="dot" style={{ background: s.color ?? undefined }} aria-hidden="true" /> {s.name} <span className="muted">({cards.length}{column.next ? '+' : ''})</span>
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
              {column.next && (
                <button type="button" className="link" onClick={() => void showMore(s.id)}>
                  Show more<span className="sr-only"> {s.name} tasks</span>
                </button>
              )}
            </section>
          );
        })}
      </div>
    </section>
  );
}
