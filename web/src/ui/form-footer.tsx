/** The end of a create/edit form: the general error (one not about a field), submit and an optional cancel. */
export function FormFooter({ general, busy, submitLabel, onCancel }: { general: string | null; busy: boolean; submitLabel: string; onCancel?: (() => void) | undefined }) {
  return (
    <>
      {general && (
        <p role="alert" className="error">
          {general}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </>
  );
}
