import type { ReactNode } from 'react';
import type { WorkspaceMember } from '../api/types';
import { personName } from './people';

/**
 * A member picker (sponsor, owner, reviewer): the empty choice is named by the caller (what the API does without
 * one); `label` may be visually hidden.
 */
export function MemberSelect({ label, value, onChange, members, empty, invalid, describedBy }: {
  label: ReactNode;
  value: string;
  onChange: (userId: string) => void;
  members: readonly WorkspaceMember[];
  empty: string;
  invalid?: unknown;
  describedBy?: string | undefined;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid ? true : undefined} aria-describedby={describedBy}>
        <option value="">{empty}</option>
        {members.map((m) => (
          <option key={m.user_id} value={m.user_id}>
            {personName(m.user)}
          </option>
        ))}
      </select>
    </label>
  );
}
