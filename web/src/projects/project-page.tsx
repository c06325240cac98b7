import { useCallback, useEffect, useRef, useState } from 'react';
import { useLiveReload } from '../live/live';
import { api, ApiError } from '../api/client';
import type { Asset, Project, Task, TaskList, Watchers, WsMiniAsset } from '../api/types';
import { navigate } from '../router';
import { Link } from '../ui/link';
import { personName, useMembers } from '../ui/people';
import { usePermissions } from '../ui/permissions';
import { ProjectAssets, type ApprovalBySequence } from './project-assets';
import { ProjectForm, statusLabel } from './project-form';
import { DeleteButton } from '../ui/delete-button';
import { WatchersCard } from '../ui/watchers-card';

/*
 * One project: its facts, progress, linked assets (core GET /workspaces/projects/{id}/assets) with their approval
 * state, and its tasks (core GET /workspaces/tasks?project_id=). The core API has no approval summary per asset, so
 * that comes from Workstream P3 with approval_status (same session), matched by the integer id (`sequence`) both
 * surfaces share (docs/integer-ids.md).
 */

interface Loaded {
  project: Project;
  assets: Asset[];
  approvals: ApprovalBySequence;
  tasks: Task[];
  /** The cursor of the project's next tasks; null when all are shown. */
  tasksNext: string | null;
  watchers: Watchers;
}

/** Assets and tasks load this many at a time (`Show more`); the Workstream approval states come in the same windows. */
const PAGE = 100;
/** The most tasks a reload asks for at once (the API's limit). */
const TASKS_RELOAD_MAX = 500;

/** The linked assets from `offset`, with their approval states (Workstream P3: the same link order). */
async function assetWindow(project: Project, offset: number): Promise<{ assets: Asset[]; approvals: ApprovalBySequence }> {
  const [assets, minis] = await Promise.all([
    api<Asset[]>('GET', `/workspaces/projects/${project.id}/assets`, { query: { offset, limit: PAGE } }),
    // The approval states are extra: a refusal there leaves the page with the core facts.
    api<WsMiniAsset[]>('GET', `/workstream/projects/${project.sequence}/assets`, { query: { approval_status: '1', offset, limit: PAGE } }).catch(() => []),
  ]);
  const approvals: ApprovalBySequence = new Map();
  for (const m of minis) {
    if (m.approval) {
      approvals.set(Number(m.id), m.approval);
    }
  }
  return { assets, approvals };
}

const projectTasks = (project: Project, limit: number, cursor?: string) =>
  api<TaskList>('GET', '/workspaces/tasks', { query: { project_id: project.id, sort: 'due_date', limit, ...(cursor ? { cursor } : {}) } });

/** The project with as many of its assets and tasks as were shown (so a reload keeps what `Show more` opened). */
async function loadProject(id: string, shown: { assets: number; tasks: number }): Promise<Loaded> {
  const project = await api<Project>('GET', `/workspaces/projects/${encodeURIComponent(id)}`);
  const windows = Math.max(1, Math.ceil(shown.assets / PAGE));
  const [assetWindows, tasks, watchers] = await Promise.all([
    Promise.all(Array.from({ length: windows }, (_, i) => assetWindow(project, i * PAGE))),
    projectTasks(project, Math.min(TASKS_RELOAD_MAX, Math.max(PAGE, shown.tasks))),
    api<Watchers>('GET', `/workspaces/projects/${project.id}/watchers`),
  ]);
  return {
    project,
    assets: assetWindows.flatMap((w) => w.assets),
    approvals: new Map(assetWindows.flatMap((w) => [...w.approvals])),
    tasks: tasks.tasks,
    tasksNext: tasks.next_cursor,
    watchers,
  };
}

function ApprovalSummary({ assets, approvals, total }: { assets: Asset[]; approvals: ApprovalBySequence; total: number }) {
  const counts = { pending: 0, approved: 0, none: 0 };
  for (const a of assets) {
    const s = approvals.get(a.sequence)?.status;
    if (s === 1) {
      counts.pending += 1;
    } else if (s === 2) {
      counts.approved += 1;
    } else {
      counts.none += 1;
    }
  }
  return (
    <p className="muted" data-testid="approval-summary">
      Approvals{assets.length < total ? ` (of the ${assets.length} assets shown)` : ''}: {counts.approved} approved, {counts.pending} pending, {counts.none} without an open or approved request.
    </p>
  );
}

export function ProjectPage({ projectId }: { projectId: string }) {
  const perms = usePermissions();
  const members = useMembers();
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  // How many assets and tasks are shown, so a reload (a live event, an edit) keeps what `Show more` opened.
  const shown = useRef({ assets: PAGE, tasks: PAGE });
  useEffect(() => {
    if (data) {
      shown.current = { assets: data.assets.length, tasks: data.tasks.length };
    }
  }, [data]);

  const load = useCallback(async () => {
    try {
      setData(await loadProject(projectId, shown.current));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? 'This project does not exist in this workspace (or was deleted).' : String((err as Error).message));
    }
  }, [projectId]);
  useEffect(() => {
    void load();
  }, [load]);
  // The project's tasks and approvals, and changes to its assets, come by the live stream.
  useLiveReload((e) => /^(task|approval|proof)_/.test(e.type) || (e.asset_id !== null && (data?.assets ?? []).some((a) => a.id === e.asset_id)), load);

  async function more(what: 'assets' | 'tasks') {
    if (!data) {
      return;
    }
    try {
      if (what === 'assets') {
        const w = await assetWindow(data.project, data.assets.length);
        setData((d) => (d ? { ...d, assets: [...d.assets, ...w.assets], approvals: new Map([...d.approvals, ...w.approvals]) } : d));
      } else if (data.tasksNext) {
        const page = await projectTasks(data.project, PAGE, data.tasksNext);
        setData((d) => (d ? { ...d, tasks: [...d.tasks, ...page.tasks], tasksNext: page.next_cursor } : d));
      }
    } catch (err) {
      setError((err as Error).message);
    }
  }

  if (!data) {
    return error ? (
      <main className="projects" aria-labelledby="project-missing">
        <h1 id="project-missing">Project</h1>
        <p role="alert" className="error">
          {error}
        </p>
        <Link to="/projects">All projects</Link>
      </main>
    ) : (
      <p role="status" className="loading">
        Loading the project…
      </p>
    );
  }
  const { project: p, assets, approvals, tasks } = data;
  const manage = perms.can('projects.manage');
  const who = (id: string | null) => {
    const m = id ? members.find((x) => x.user_id === id) : undefined;
    return m ? personName(m.user) : !id ? '—' : members.length === 0 ? '…' : 'someone outside the workspace';
  };
  return (
    <main aria-labelledby="project-title" className="projects">
      <p>
        <Link to="/projects">← All projects</Link>
      </p>
      <div className="card-head">
        <h1 id="project-title">{p.name}</h1>
        {manage && !editing && (
          <div className="actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit project
            </button>
            <DeleteButton
              label="Delete project"
              onDelete={() =>
                void api('DELETE', `/workspaces/projects/${p.id}`).then(
                  () => navigate('/projects'),
                  (err: Error) => setError(err.message),
                )
              }
            />
          </div>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {editing ? (
        <section className="card" aria-labelledby="edit-project-title">
          <h2 id="edit-project-title">Edit project</h2>
          <ProjectForm
            initial={p}
            submitLabel="Save project"
            onCancel={() => setEditing(false)}
            onSubmit={async (body) => {
              await api<Project>('PATCH', `/workspaces/projects/${p.id}`, { json: body });
              setEditing(false);
              await load();
            }}
          />
        </section>
      ) : (
        <section className="card" aria-label="About the project">
          {/* The description is HTML as Workstream clients send it; shown as text here, never as markup. */}
          {p.description ? <p className="wrap">{p.description.replace(/<[^>]*>/g, ' ').trim()}</p> : <p className="muted">No description.</p>}
          <dl className="facts">
            <dt>Status</dt>
            <dd>{statusLabel(p.status)}</dd>
            <dt>Sponsor</dt>
            <dd>{who(p.sponsor_id)}</dd>
            <dt>Owner</dt>
            <dd>{who(p.owner_id)}</dd>
            <dt>Launch date</dt>
            <dd>{p.launch_date ? p.launch_date.slice(0, 10) : '—'}</dd>
            <dt>Created</dt>
            <dd>{new Date(p.created_at).toLocaleDateString()}</dd>
            <dt>Progress</dt>
            <dd>
              {p.completion}% of {p.task_count} tasks done ({p.open_task_count} open)
            </dd>
          </dl>
          <ApprovalSummary assets={assets} approvals={approvals} total={p.asset_count} />
        </section>
      )}
      <WatchersCard
        path={`/workspaces/projects/${p.id}/watchers`}
        noun="project"
        watchers={data.watchers}
        onChange={(watchers) => setData((d) => (d ? { ...d, watchers } : d))}
        onError={(message) => setError(message || null)}
      />
      <ProjectAssets
        projectId={p.id}
        assets={assets}
        total={p.asset_count}
        approvals={approvals}
        canEdit={perms.can('task.write')}
        onChanged={() => void load()}
        onShowMore={() => void more('assets')}
      />
      <section className="card" aria-labelledby="project-tasks-title">
        <h2 id="project-tasks-title">Tasks ({p.task_count})</h2>
        {tasks.length === 0 ? (
          <p className="empty">No tasks belong to this project.</p>
        ) : (
          <ul className="my-tasks" aria-label="Project tasks">
            {tasks.map((t) => (
              <li key={t.id}>
                <Link to={`/work/t/${t.id}`}>{t.title}</Link>{' '}
                <span className="muted">
                  {t.status}
                  {t.due_date ? ` · due ${t.due_date.slice(0, 10)}` : ''} · {t.priority}
                </span>
              </li>
            ))}
          </ul>
        )}
        {data.tasksNext && (
          <button type="button" className="link" onClick={() => void more('tasks')}>
            Show more<span className="sr-only"> tasks of the project</span>
          </button>
        )}
      </section>
    </main>
  );
}
