import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { AssetStatus, Setting } from '../api/types';
import { usePermissions } from '../ui/permissions';
import { AdminNav } from './admin-nav';
import { SettingRow, type Choice } from './setting-row';
import { StatusesSection } from './statuses-section';

/*
 * Settings (docs/web.md "Pages"): the workspace's settings (GET/PUT /workspaces/settings, every member reads, workspace
 * admins write), the account's (GET/PUT /accounts/settings, owners and admins write), and the workspace's asset and
 * task statuses. Each setting is saved on its own; the API validates, and its message shows under the field.
 */

const WORKSPACE_ROLES: readonly Choice[] = ['admin', 'editor', 'viewer'].map((r) => ({ value: r, label: r }));

function SettingsSection({ title, path, readOnly, choicesFor }: {
  title: string;
  path: string;
  readOnly: boolean;
  choicesFor: (key: string) => readonly Choice[] | undefined;
}) {
  const [list, setList] = useState<Setting[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Setting[]>('GET', path).then(setList, (err: Error) => setError(err.message));
  }, [path]);
  const titleId = `${path.replace(/\W/g, '-')}-title`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {readOnly && <p className="muted">Only administrators change these.</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {list === null
        ? !error && <p role="status">Loading…</p>
        : list.map((s) => (
            <SettingRow
              key={s.key}
              setting={s}
              path={path}
              readOnly={readOnly}
              choices={choicesFor(s.key)}
              onSaved={(next) => setList((l) => l?.map((x) => (x.key === next.key ? next : x)) ?? null)}
            />
          ))}
    </section>
  );
}

export function SettingsPage() {
  const perms = usePermissions();
  const [statuses, setStatuses] = useState<AssetStatus[] | null>(null);
  useEffect(() => {
    api<AssetStatus[]>('GET', '/workspaces/assetStatuses').then(setStatuses, () => setStatuses([]));
  }, []);

  const workspaceChoices = (key: string): readonly Choice[] | undefined =>
    key === 'default_asset_status_id' && statuses ? [{ value: null, label: 'None' }, ...statuses.map((s) => ({ value: s.id, label: s.name }))] : undefined;
  const accountChoices = (key: string): readonly Choice[] | undefined => (key === 'default_workspace_role' ? WORKSPACE_ROLES : undefined);

  return (
    <main aria-labelledby="settings-title" className="profile admin">
      <h1 id="settings-title">Settings</h1>
      <AdminNav />
      {!perms.loaded || statuses === null ? (
        <p role="status">Loading…</p>
      ) : (
        <>
          <SettingsSection title="Workspace settings" path="/workspaces/settings" readOnly={!perms.can('workspace.update')} choicesFor={workspaceChoices} />
          {perms.accountAdmin && <SettingsSection title="Account settings" path="/accounts/settings" readOnly={false} choicesFor={accountChoices} />}
          <StatusesSection title="Asset statuses" path="/workspaces/assetStatuses" closable={false} readOnly={!perms.can('statuses.manage')} />
          <StatusesSection title="Task statuses" path="/workspaces/tasks/statuses" closable readOnly={!perms.can('statuses.manage')} />
        </>
      )}
    </main>
  );
}
