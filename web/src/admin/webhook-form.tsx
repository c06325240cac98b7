import { useId, useState, type FormEvent } from 'react';
import { FormFooter } from '../ui/form-footer';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../ui/field-error';
import { fieldProblems } from '../ui/field-problems';
import type { Webhook } from '../api/types';

/** What the form sends: the body of POST /workspaces/webhooks or PATCH /workspaces/webhooks/{id}. */
export interface WebhookBody {
  url: string;
  event_types: string[];
  description: string | null;
  active: boolean;
}

const FIELDS = ['/url', '/event_types', '/description', '/active'] as const;

/** "asset_created, comment_created" -> ["asset_created", "comment_created"]; the API judges the names. */
const splitEvents = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Create or edit a webhook. The API's validation (URL scheme and address, event type names) is the only validation:
 * its message for a field is shown under that field, linked to it with aria-describedby.
 */
export function WebhookForm({ initial, submitLabel, onSubmit, onCancel }: {
  initial?: Webhook;
  submitLabel: string;
  onSubmit: (body: WebhookBody) => Promise<void>;
  onCancel?: () => void;
}) {
  const id = useId();
  const [url, setUrl] = useState(initial?.url ?? '');
  const [events, setEvents] = useState(initial ? initial.event_types.join(', ') : '*');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [active, setActive] = useState(initial?.active ?? true);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await onSubmit({ url: url.trim(), event_types: splitEvents(events), description: description.trim() || null, active });
      setErrors(NO_ERRORS);
    } catch (err) {
      setErrors(formErrorsOf(err, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  const { fieldError } = fieldProblems(errors, id);
  const described = (pointer: string, hint?: string) =>
    [errors.fields[pointer] ? `${id}${pointer}` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <form onSubmit={submit} className="stack-form" noValidate>
      <label>
        Endpoint URL
        <input
          type="url"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-invalid={errors.fields['/url'] ? true : undefined}
          aria-describedby={described('/url')}
          placeholder="https://example.com/atelier-hook"
        />
      </label>
      {fieldError('/url')}
      <div className="field">
        <label>
          Events
          <input
            value={events}
            onChange={(e) => setEvents(e.target.value)}
            aria-invalid={errors.fields['/event_types'] ? true : undefined}
            aria-describedby={described('/event_types', `${id}-events-hint`)}
          />
        </label>
        <span id={`${id}-events-hint`} className="hint">
          History event types separated by commas (asset_created, version_created, comment_created…), or * for all.
        </span>
        {fieldError('/event_types')}
      </div>
      <label>
        Description (optional)
        <input value={description} onChange={(e) => setDescription(e.target.value)} aria-describedby={described('/description')} />
      </label>
      {fieldError('/description')}
      <label className="check">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active (deliver events)
      </label>
      <FormFooter general={errors.general} busy={busy} submitLabel={submitLabel} onCancel={onCancel} />
    </form>
  );
}
