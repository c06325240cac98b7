import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Webhook, WebhookDelivery } from '../api/types';
import { usePermissions } from '../ui/permissions';
import { AdminNav } from './admin-nav';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookForm, type WebhookBody } from './webhook-form';
import { DeleteButton } from '../ui/delete-button';

/*
 * Webhooks of the current workspace (workspace admins; docs/web.md "Pages"): create, edit, pause, delete, send a test
 * ping, and each endpoint's delivery log. The signing secret is shown once, in the answer to the creation.
 */

function WebhookRow({ hook, open, onToggle, onChanged, onPinged }: {
  hook: Webhook;
  open: boolean;
  onToggle: () => void;
  onChanged: () => void;
  onPinged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function act(fn: () => Promise<unknown>) {
    try {
      await fn();
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  if (editing) {
    return (
      <tr>
        <td colSpan={4}>
          <WebhookForm
            initial={hook}
            submitLabel="Save changes"
            onCancel={() => setEditing(false)}
            onSubmit={async (body: WebhookBody) => {
              await api('PATCH', `/workspaces/webhooks/${hook.id}`, { json: body });
              setEditing(false);
              onChanged();
            }}
          />
        </td>
      </tr>
    );
  }
  return (
    <tr>
      <td className="wrap">
        <code>{hook.url}</code>
        {hook.description && <div className="muted">{hook.description}</div>}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </td>
      <td className="wrap">{hook.event_types.join(', ')}</td>
      <td>{hook.active ? 'Active' : 'Paused'}</td>
      <td>
        <div className="actions">
          <button type="button" aria-expanded={open} onClick={onToggle} aria-label={`Deliveries of ${hook.url}`}>
            Deliveries
          </button>
          <button type="button" onClick={() => setEditing(true)} aria-label={`Edit ${hook.url}`}>
            Edit
          </button>
          <button
            type="button"
            aria-label={`Send test ping to ${hook.url}`}
            onClick={() =>
              void act(async () => {
                await api<WebhookDelivery>('POST', `/workspaces/webhooks/${hook.id}/test`);
                onPinged();
              })
            }
          >
            Send test
          </button>
          <DeleteButton label="Delete" name={`Delete ${hook.url}`} onDelete={() => void act(() => api('DELETE', `/workspaces/webhooks/${hook.id}`)).then(onChanged)} />
        </div>
      </td>
    </tr>
  );
}

export function WebhooksPage() {
  const perms = usePermissions();
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Webhook | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const allowed = perms.can('webhooks.manage');

  const load = useCallback(async () => {
    try {
      setHooks(await api<Webhook[]>('GET', '/workspaces/webhooks'));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, []);

  useEffect(() => {
    if (allowed) {
      void load();
    }
  }, [allowed, load]);

  const open = hooks?.find((h) => h.id === openId) ?? null;
  let body;
  if (!perms.loaded) {
    body = <p role="status">Loading…</p>;
  } else if (!allowed) {
    body = <p className="empty">Only administrators of this workspace manage its webhooks.</p>;
  } else {
    body = (
      <>
        <section className="card" aria-labelledby="new-hook-title">
          <h2 id="new-hook-title">New webhook</h2>
          <p className="muted">
            Atelier POSTs each event as JSON, signed with the webhook's secret (Standard Webhooks: webhook-id, webhook-timestamp and
            webhook-signature headers), and retries failed deliveries with backoff.
          </p>
          <WebhookForm
            key={created?.id ?? 'new'}
            submitLabel="Create webhook"
            onSubmit={async (b) => {
              const hook = await api<Webhook>('POST', '/workspaces/webhooks', { json: b });
              setCreated(hook);
              await load();
            }}
          />
          {created && (
            <div role="status" className="ok secret-box">
              <p>
                Webhook to <code>{created.url}</code> created. Its signing secret:
              </p>
              <p>
                <code data-testid="webhook-secret">{created.secret}</code>
              </p>
              <p>Copy it now: it is not shown again.</p>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby="hooks-title">
          <h2 id="hooks-title">Endpoints</h2>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {hooks === null ? (
            !error && <p role="status">Loading webhooks…</p>
          ) : hooks.length === 0 ? (
            <p className="empty">No webhooks yet.</p>
          ) : (
            <div>
              <table aria-label="Webhooks" className="stack-table">
                <thead>
                  <tr>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Events</th>
                    <th scope="col">State</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {hooks.map((h) => (
                    <WebhookRow
                      key={`${h.id}:${h.updated_at}`}
                      hook={h}
                      open={openId === h.id}
                      onToggle={() => setOpenId(openId === h.id ? null : h.id)}
                      onChanged={() => void load()}
                      onPinged={() => {
                        setOpenId(h.id);
                        setRefresh((n) => n + 1);
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        {open && <WebhookDeliveries webhook={open} refreshKey={refresh} />}
      </>
    );
  }
  return (
    <main aria-labelledby="webhooks-title" className="profile admin">
      <h1 id="webhooks-title">Webhooks</h1>
      <AdminNav />
      {body}
    </main>
  );
}
