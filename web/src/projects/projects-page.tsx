import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Project } from '../api/types';
import { navigate } from '../router';
import { Link } from '../ui/link';
import { usePermissions } from '../ui/permissions';
import { ProjectForm, statusLabel } from './project-form';

/*
 * Projects of the workspace (GET /workspaces/projects; every member reads, workspace admins create): name, status,
 * launch date, task progress and asset count, each linking to its project page.
 */

/** Projects per request (the API's most); `Show more` asks for the next ones by offset. */
const PAGE = 100;

export function ProjectsPage() {
  const perms = usePermissions();
  const [list, setList] = useState<Project[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [more, setMore] = useState(false);

  /** The projects from `offset`, appended to those shown (a fresh list from 0). */
  const load = useCallback(async (offset = 0) => {
    try {
      const page = await api<Project[]>('GET', '/workspaces/projects', { query: { offset, limit: PAGE } });
      setList((shown) => (offset === 0 ? page : [...(shown ?? []), ...page]));
      setMore(page.length === PAGE);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const canCreate = perms.can('projects.manage');
  return (
    <main aria-labelledby="projects-title" className="projects">
      <div className="card-head">
        <h1 id="projects-title">Projects</h1>
        {canCreate && !creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            New project
          </button>
        )}
      </div>
      {creating && (
        <section className="card" aria-labelledby="new-project-title">
          <h2 id="new-project-title">New project</h2>
          <ProjectForm
            submitLabel="Create project"
            onCancel={() => setCreating(false)}
            onSubmit={async (body) => {
              const p = await api<Project>('POST', '/workspaces/projects', { json: body });
              navigate(`/projects/${p.id}`);
            }}
          />
        </section>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {list === null ? (
        !error && <p role="status">Loading projects…</p>
      ) : list.length === 0 ? (
        <p className="empty">No projects yet.{canCreate ? ' Create the first with “New project”.' : ''}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Projects table, scrolls sideways on narrow screens">
          <table aria-label="Projects">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Launch</th>
                <th scope="col">Tasks</th>
                <th scope="col">Assets</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/projects/${p.id}`}>{p.name}</Link>
                  </td>
                  <td>{statusLabel(p.status)}</td>
                  <td>{p.launch_date ? p.launch_date.slice(0, 10) : '—'}</td>
                  <td>
                    {p.task_count - p.open_task_count} of {p.task_count} done
                    <progress max={100} value={p.completion} aria-label={`${p.name}: ${p.completion}% done`} className="bar" />
                  </td>
                  <td>{p.asset_count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {more && (
            <button type="button" className="link" onClick={() => void load(list.length)}>
              Show more projects
            </button>
          )}
        </div>
      )}
    </main>
  );
}
