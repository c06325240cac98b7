import type { ProjectView } from '../../../domain/projects/project-views.js';
import { projectStatusName } from '../../../domain/projects/projects.rules.js';
import type { ProjectJson } from './projects.schemas.js';

export function presentProject(v: ProjectView): ProjectJson {
  const p = v.project;
  return {
    id: p.id,
    sequence: p.sequence,
    account_id: p.account_id,
    workspace_id: p.workspace_id,
    name: p.name,
    description: p.description,
    sponsor_id: p.sponsor_id,
    owner_id: p.owner_id,
    status: projectStatusName(p.status),
    launch_date: p.launch_date,
    completion: v.tasks.total === 0 ? 0 : Math.round((v.tasks.done * 10000) / v.tasks.total) / 100,
    task_count: v.tasks.total,
    open_task_count: v.tasks.remaining,
    asset_count: v.assetCount,
    watcher_count: v.watcherCount,
    created_by_user_id: p.created_by_user_id,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}
