import type { ProjectView } from '../../../domain/projects/project-views.js';
import { completionText } from '../../../domain/projects/projects.rules.js';
import { unixSeconds } from './conventions.js';
import { presentUser } from './present.js';

/** §1.3.10 Project: `id` and `public_id` are the project's integer id; `assignee_id` is its owner. */
export function presentProject(v: ProjectView) {
  const p = v.project;
  return {
    id: p.sequence,
    project_key: 'P',
    public_id: p.sequence,
    name: p.name,
    assignee_id: v.owner ? v.owner.sequence : null,
    description: p.description,
    completion: completionText(v.tasks),
    launch_date: p.launch_date === null ? null : unixSeconds(p.launch_date),
    sponsor: v.sponsor ? presentUser(v.sponsor) : null,
    tasks: { remaining_count: v.tasks.remaining, tasks_soon: v.tasks.soon, tasks_overdue: v.tasks.overdue },
    watcher_count: v.watcherCount,
    created_at: unixSeconds(p.created_at),
    updated_at: unixSeconds(p.updated_at),
  };
}
