/*
 * The two controls of a member row (account members on the admin page, workspace members beside them): a role picker
 * and a remove button that asks once more before it acts.
 */

export function RoleSelect({ label, value, roles, onChange }: { label: string; value: string; roles: readonly string[]; onChange: (role: string) => void }) {
  return (
    <label>
      <span className="sr-only">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </label>
  );
}

/** "Remove", then "<confirmLabel>" or "Keep"; `asking` is whether this row's confirmation is showing. */
export function ConfirmRemove({ asking, askLabel, confirmLabel, onAsk, onKeep, onConfirm }: {
  asking: boolean;
  askLabel: string;
  confirmLabel: string;
  onAsk: () => void;
  onKeep: () => void;
  onConfirm: () => void;
}) {
  return asking ? (
    <>
      <button type="button" className="danger" onClick={onConfirm}>
        {confirmLabel}
      </button>{' '}
      <button type="button" onClick={onKeep}>
        Keep
      </button>
    </>
  ) : (
    <button type="button" className="danger" onClick={onAsk} aria-label={askLabel}>
      Remove
    </button>
  );
}
