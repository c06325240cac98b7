import { useCallback, useEffect, useState } from 'react';
import { api, apiPage } from '../api/client';
import type { Webhook, WebhookDelivery } from '../api/types';

const PAGE = 25;

const STATE_LABEL: Record<WebhookDelivery['state'], string> = {
  pending: 'Pending',
  succeeded: 'Delivered',
  failed: 'Failed, will retry',
  dead: 'Failed, gave up',
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/**
 * A webhook's delivery log (GET /workspaces/webhooks/{id}/deliveries, newest first): state, the endpoint's response
 * code, attempts, when it was queued and when it got through, how long the request took; the payload sent and the answer
 * received on expanding a row; older ones a page at a time. "Send again" re-delivers the same message (same webhook-id) as a new delivery.
 */
export function WebhookDeliveries({ webhook, refreshKey }: { webhook: Webhook; refreshKey: number }) {
  const [list, setList] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [next, setNext] = useState<string | null>(null);

  const path = `/workspaces/webhooks/${webhook.id}/deliveries`;
  const load = useCallback(async () => {
    try {
      const page = await apiPage<WebhookDelivery>(path, { limit: PAGE });
      setList(page.items);
      setNext(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [path]);

  async function older() {
    try {
      const page = await apiPage<WebhookDelivery>(path, { limit: PAGE, cursor: next });
      setList((l) => [...(l ?? []), ...page.items]);
      setNext(page.nextCursor);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  async function redeliver(d: WebhookDelivery) {
    try {
      await api('POST', `/workspaces/webhooks/${webhook.id}/deliveries/${d.id}/redeliver`);
      setNote(`The ${d.event_type} message was queued again.`);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    await load();
  }

  const titleId = `deliveries-${webhook.id}`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card-head">
        <h2 id={titleId}>Deliveries to {webhook.url}</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {note && (
        <p role="status" className="ok">
          {note}
        </p>
      )}
      {list === null ? (
        !error && <p role="status">Loading deliveries…</p>
      ) : list.length === 0 ? (
        <p className="empty">Nothing was sent to this endpoint yet. Use “Send test” or wait for an event.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Delivery log, scrolls sideways on narrow screens">
          <table aria-label={`Delivery log of ${webhook.url}`}>
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col">Response</th>
                <th scope="col">Attempts</th>
                <th scope="col">Delivered</th>
                <th scope="col">Duration</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id} data-state={d.state}>
                  <td>{when(d.created_at)}</td>
                  <td>
                    <details>
                      <summary>{d.event_type}</summary>
                      <p className="muted">Message id {d.event_id}</p>
                      <figure>
                        <figcaption>Payload sent</figcaption>
                        <pre className="payload" tabIndex={0}>{JSON.stringify(d.payload, null, 2)}</pre>
                      </figure>
                      {d.response_body && (
                        <figure>
                          <figcaption>Response body</figcaption>
                          <pre className="payload" tabIndex={0}>{d.response_body}</pre>
                        </figure>
                      )}
                      {d.error && <p className="error">{d.error}</p>}
                      {d.next_attempt_at && <p className="muted">Next attempt {when(d.next_attempt_at)}</p>}
                    </details>
                  </td>
                  <td>{STATE_LABEL[d.state]}</td>
                  <td>{d.response_status ?? '—'}</td>
                  <td>{d.attempts}</td>
                  <td>{when(d.delivered_at)}</td>
                  <td>{d.duration_ms === null ? '—' : `${d.duration_ms} ms`}</td>
                  <td>
                    <button type="button" onClick={() => void redeliver(d)} aria-label={`Send again: ${d.event_type} of ${when(d.created_at)}`}>
                      Send again
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {next && (
            <button type="button" onClick={() => void older()}>
              Show older deliveries
            </button>
          )}
        </div>
      )}
    </section>
  );
}
