import { useId, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { Setting } from '../api/types';

/** A choice list for a setting whose values are a known set (a status id, a role). */
export interface Choice {
  value: string | null;
  label: string;
}

/** "trash_retention_days" -> "Trash retention days". */
const labelOf = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');

/** Whether the setting takes a number: its value or its default is one. */
const numeric = (s: Setting) => typeof s.value === 'number' || typeof s.default === 'number' || /_(days|bytes|count)$/.test(s.key);
const nullable = (s: Setting) => s.default === null || s.value === null;

/**
 * The text typed -> the JSON value sent. Empty means null where null is allowed; a number is sent as a number; anything
 * else is sent as typed, so the API's own validation answers (and its message shows under the field).
 */
function parse(s: Setting, text: string): unknown {
  const t = text.trim();
  if (t === '' && nullable(s)) {
    return null;
  }
  if (numeric(s) && /^-?\d+(\.\d+)?$/.test(t)) {
    return Number(t);
  }
  return t;
}

const show = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * One setting as a small form: its description, the value (a list when `choices` are given), Save. A refusal is shown
 * under the field (aria-invalid, aria-describedby), in the API's own words.
 */
export function SettingRow({ setting, path, choices, readOnly, onSaved }: {
  setting: Setting;
  /** The collection it is PUT to: /workspaces/settings or /accounts/settings. */
  path: string;
  choices?: readonly Choice[];
  readOnly: boolean;
  onSaved: (s: Setting) => void;
}) {
  const id = useId();
  const [text, setText] = useState(show(setting.value));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    try {
      const value = choices ? (text === '' ? null : text) : parse(setting, text);
      const next = await api<Setting>('PUT', `${path}/${encodeURIComponent(setting.key)}`, { json: { value } });
      setText(show(next.value));
      setError(null);
      setSaved(true);
      onSaved(next);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const inputId = `${id}-input`;
  const describedBy = [`${id}-hint`, error ? `${id}-error` : '', saved ? `${id}-saved` : ''].filter(Boolean).join(' ');
  const fallback = setting.default === null ? 'none' : String(setting.default);
  return (
    <form className="setting" onSubmit={submit} data-setting={setting.key}>
      <label htmlFor={inputId} id={`${id}-label`} className="setting-label">
        {labelOf(setting.key)}
      </label>
      <div className="setting-field">
        {choices ? (
          <select id={inputId} value={text} disabled={readOnly} onChange={(e) => setText(e.target.value)} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
            {choices.map((c) => (
              <option key={c.value ?? ''} value={c.value ?? ''}>
                {c.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={inputId}
            value={text}
            readOnly={readOnly}
            inputMode={numeric(setting) ? 'numeric' : undefined}
            placeholder={nullable(setting) ? `empty: ${fallback}` : undefined}
            onChange={(e) => {
              setText(e.target.value);
              setSaved(false);
            }}
            aria-describedby={describedBy}
            aria-invalid={error ? true : undefined}
          />
        )}
        {!readOnly && (
          <button type="submit" disabled={busy}>
            Save
          </button>
        )}
      </div>
      <p id={`${id}-hint`} className="hint">
        {setting.description} Default: {fallback}.
      </p>
      {error && (
        <p id={`${id}-error`} className="error field-error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p id={`${id}-saved`} className="ok" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}
