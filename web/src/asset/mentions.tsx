import { Fragment, type ReactNode } from 'react';
import type { WorkspaceMember } from '../api/types';
import { personName } from '../ui/people';

/*
 * @mentions: the API reads `@[<user id>]` tokens in a comment's content and notifies those people (only members of
 * the workspace can be mentioned). People type `@` and a name; the text shows `@First Last`, and the tokens are put in
 * only when the comment is sent, so nobody ever sees or edits an id.
 */

const TOKEN = /@\[([0-9a-fA-F-]{36})\]/g;

/** Content with its `@[id]` tokens shown as `@Name` (a former member as "@someone"). */
export function withMentions(content: string, members: readonly WorkspaceMember[]): ReactNode {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const m of content.matchAll(TOKEN)) {
    const id = (m[1] ?? '').toLowerCase();
    const who = members.find((x) => x.user_id.toLowerCase() === id);
    parts.push(<Fragment key={parts.length}>{content.slice(at, m.index)}</Fragment>);
    parts.push(
      <span key={parts.length} className="mention">
        @{who ? personName(who.user) : 'someone'}
      </span>,
    );
    at = (m.index ?? 0) + m[0].length;
  }
  parts.push(<Fragment key={parts.length}>{content.slice(at)}</Fragment>);
  return parts;
}

/** A picked mention: the `@Name` text in the box and who it stands for. */
export interface Picked {
  label: string;
  userId: string;
}

/** Replaces each picked `@Name` still in the text with its `@[id]` token, longest names first (one may prefix another). */
export function toTokens(text: string, picked: readonly Picked[]): string {
  let out = text;
  for (const p of [...picked].sort((a, b) => b.label.length - a.label.length)) {
    out = out.split(`@${p.label}`).join(`@[${p.userId}]`);
  }
  return out;
}

/** The `@query` being typed just before the caret (after a space or at the start), if any. */
export function typedMention(text: string, caret: number): { start: number; query: string } | null {
  const m = /(?:^|\s)@([^\s@[\]]{0,40})$/.exec(text.slice(0, caret));
  return m ? { start: caret - (m[1] ?? '').length - 1, query: m[1] ?? '' } : null;
}

/** Members whose name or e-mail starts (by word) with the query, the first 8. */
export function matchMembers(members: readonly WorkspaceMember[], query: string, exceptUserId?: string): WorkspaceMember[] {
  const q = query.toLowerCase();
  return members
    .filter((m) => m.user_id !== exceptUserId)
    .filter((m) => [m.user.firstName, m.user.lastName, personName(m.user), m.user.email].some((s) => s.toLowerCase().startsWith(q)))
    .slice(0, 8);
}

export function MentionList(props: { id: string; options: readonly WorkspaceMember[]; active: number; onPick: (m: WorkspaceMember) => void }) {
  return (
    <ul id={props.id} role="listbox" aria-label="People to mention" className="mention-list">
      {props.options.map((m, i) => (
        <li
          key={m.user_id}
          id={`${props.id}-${i}`}
          role="option"
          aria-selected={i === props.active}
          className={i === props.active ? 'active' : undefined}
          // mousedown, not click: the textarea must keep its focus (and caret) while a person is picked.
          onMouseDown={(e) => {
            e.preventDefault();
            props.onPick(m);
          }}
        >
          {personName(m.user)} <span className="muted">{m.user.email}</span>
        </li>
      ))}
    </ul>
  );
}
