import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Task, TaskStatus } from '../api/types';
import { FormFooter } from '../ui/form-footer';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../ui/field-error';
import { fieldProblems } from '../ui/field-problems';
import { MemberSelect } from '../ui/member-select';
import { useMembers } from '../ui/people';

/*
 * Create a task (POST /workspaces/tasks, docs/api-core.md "Tasks"), from the Work page or, with `assetId`, from an
 * asset page; or, given `task`, edit it (PATCH /workspaces/tasks/{id}, every field sent, an emptied assignee or due
 * date cleared). The API validates (an empty title, a bad date, an assignee outside the workspace) and its message
 * shows under the field it names; nothing is written on a refusal, so the form keeps what was typed.
 */

/** The priorities the API accepts (src/domain/tasks/tasks.rules.ts TASK_PRIORITIES); Medium is its default. */
export const TASK_PRIORITIES = ['Low', 'Medium', 'High'] as const satisfies readonly Task['priority'][];

const FIELDS = ['/title', '/description', '/assignee_id', '/priority', '/status_id', '/due_date'] as const;

/** The status a new task gets unless chosen: the first open one by rank, as the API picks without one. */
export const defaultStatus = (statuses: readonly TaskStatus[]): TaskStatus | undefined => {
  const byRank = [...statuses].sort((a, b) => a.rank - b.rank);
  return byRank.find((s) => !s.is_closed) ?? byRank[0];
};

/**
 * What an edit changes, and only that: an untouched due date keeps its time of day (the form shows the date only),
 * and a PATCH of nothing but the status is one an assignee without `task.write` may make.
 */
function changesTo(task: Task, form: { title: string; description: string; assignee: string; priority: Task['priority']; status: string; due: string }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (form.title !== task.title) out.title = form.title;
  if (form.description !== task.description) out.description = form.description;
  if (form.assignee !== (task.assignee_id ?? '')) out.assignee_id = form.assignee || null;
  if (form.priority !== task.priority) out.priority = form.priority;
  if (form.status && form.status !== task.status_id) out.status_id = form.status;
  if (form.due !== (task.due_date?.slice(0, 10) ?? '')) out.due_date = form.due || null;
  return out;
}

export function TaskForm({ assetId, task: editing, onSaved, onCancel }: {
  assetId?: string;
  /** The task to edit; without one the form creates a task. */
  task?: Task;
  onSaved: (task: Task) => void | Promise<void>;
  onCancel: () => void;
}) {
  const id = useId();
  const [title, setTitle] = useState(editing?.title ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [assignee, setAssignee] = useState(editing?.assignee_id ?? '');
  const [due, setDue] = useState(editing?.due_date?.slice(0, 10) ?? '');
  const [priority, setPriority] = useState<Task['priority']>(editing?.priority ?? 'Medium');
  const [statuses, setStatuses] = useState<TaskStatus[]>([]);
  const [status, setStatus] = useState(editing?.status_id ?? '');
  const members = useMembers();
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    titleRef.current?.focus();
    let live = true;
    api<TaskStatus[]>('GET', '/workspaces/tasks/statuses').then(
      (list) => {
        if (live) {
          setStatuses([...list].sort((a, b) => a.rank - b.rank));
          setStatus((s) => s || (defaultStatus(list)?.id ?? ''));
        }
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    let task: Task;
    try {
      task = editing
        ? await api<Task>('PATCH', `/workspaces/tasks/${encodeURIComponent(editing.id)}`, { json: changesTo(editing, { title, description, assignee, priority, status, due }) })
        : // Unchosen fields are left out, so the API's defaults apply (nobody assigned, the first open status).
          await api<Task>('POST', '/workspaces/tasks', {
            json: {
              title,
              ...(description ? { description } : {}),
              ...(assignee ? { assignee_id: assignee } : {}),
              priority,
              ...(status ? { status_id: status } : {}),
              ...(due ? { due_date: due } : {}),
              ...(assetId ? { asset_id: assetId } : {}),
            },
          });
    } catch (err) {
      const found = formErrorsOf(err, FIELDS);
      setErrors(found);
      setBusy(false);
      // Focus the first field the API named, so a keyboard or screen-reader user lands on the problem.
      const first = FIELDS.find((f) => found.fields[f]);
      if (first) {
        document.getElementById(`${id}${first}-input`)?.focus();
      }
      return;
    }
    setErrors(NO_ERRORS);
    setBusy(false);
    await onSaved(task);
  }

  const { problem, errorId, fieldError } = fieldProblems(errors, id);

  return (
    <form onSubmit={submit} className="stack-form" noValidate>
      <label>
        Title
        <input
          ref={titleRef}
          id={`${id}/title-input`}
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={problem('/title') ? true : undefined}
          aria-describedby={errorId('/title')}
        />
      </label>
      {fieldError('/title')}
      <label>
        Description
        <textarea id={`${id}/description-input`} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} aria-invalid={problem('/description') ? true : undefined} aria-describedby={errorId('/description')} />
      </label>
      {fieldError('/description')}
      <div className="inline-form">
        <MemberSelect label="Assignee" value={assignee} onChange={setAssignee} members={members} empty="Nobody" invalid={problem('/assignee_id')} describedBy={errorId('/assignee_id')} />
        {fieldError('/assignee_id')}
        <label>
          Due date
          <input id={`${id}/due_date-input`} type="date" value={due} onChange={(e) => setDue(e.target.value)} aria-invalid={problem('/due_date') ? true : undefined} aria-describedby={errorId('/due_date')} />
        </label>
        {fieldError('/due_date')}
        <label>
          Priority
          <select id={`${id}/priority-input`} value={priority} onChange={(e) => setPriority(e.target.value as Task['priority'])} aria-invalid={problem('/priority') ? true : undefined} aria-describedby={errorId('/priority')}>
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        {fieldError('/priority')}
        <label>
          Status
          <select id={`${id}/status_id-input`} value={status} onChange={(e) => setStatus(e.target.value)} aria-invalid={problem('/status_id') ? true : undefined} aria-describedby={errorId('/status_id')}>
            {statuses.length === 0 && <option value="">Default</option>}
            {statuses.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        {fieldError('/status_id')}
      </div>
      <FormFooter general={errors.general} busy={busy} submitLabel={editing ? 'Save task' : 'Create task'} onCancel={onCancel} />
    </form>
  );
}
