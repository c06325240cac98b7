import { useState } from 'react';

/**
 * A Delete button that asks once more: the first press turns it into *Delete for good* and *Keep*. `label` is the
 * button's text (`Delete task`); `name`, when given, is its accessible name (`Delete https://…` in a table of many).
 */
export function DeleteButton({ label, name, onDelete }: { label: string; name?: string; onDelete: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return confirming ? (
    <>
      <button type="button" className="danger" onClick={onDelete}>
        Delete for good
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Keep
      </button>
    </>
  ) : (
    <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={name}>
      {label}
    </button>
  );
}
