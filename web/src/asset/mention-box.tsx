import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { WorkspaceMember } from '../api/types';
import { personName } from '../ui/people';
import { matchMembers, MentionList, toTokens, typedMention, type Picked } from './mentions';

/** What a mention box holds: the text as shown and the people picked in it. */
export interface MentionDraft {
  text: string;
  picked: Picked[];
}

export const EMPTY_DRAFT: MentionDraft = { text: '', picked: [] };

/** The text to send: each picked `@Name` as the API's `@[id]` token. */
export const draftContent = (d: MentionDraft): string => toTokens(d.text, d.picked);

/**
 * A textarea with the @mention autocomplete (comments, replies, reviews, review requests): `@` and a name offers the
 * workspace's members; arrows move, Enter or Tab picks, Escape closes. An ARIA combobox over a listbox.
 */
export function MentionTextarea(props: {
  label: string;
  value: MentionDraft;
  onChange: (d: MentionDraft) => void;
  members: readonly WorkspaceMember[];
  meId: string | undefined;
  rows?: number;
}) {
  const { value, onChange, members } = props;
  const [typing, setTyping] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const options = typing ? matchMembers(members, typing.query, props.meId) : [];
  const open = options.length > 0;

  function edited(text: string, caret: number) {
    onChange({ ...value, text });
    setTyping(typedMention(text, caret));
    setActive(0);
  }

  function pick(m: WorkspaceMember) {
    if (!typing) {
      return;
    }
    const label = personName(m.user);
    const caret = typing.start + 1 + typing.query.length;
    const text = `${value.text.slice(0, typing.start)}@${label} ${value.text.slice(caret)}`;
    onChange({ text, picked: [...value.picked.filter((p) => p.userId !== m.user_id), { label, userId: m.user_id }] });
    setTyping(null);
    const at = typing.start + label.length + 2;
    requestAnimationFrame(() => box.current?.setSelectionRange(at, at));
  }

  function keys(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (!open) {
      return;
    }
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      const m = options[active];
      if (m) {
        pick(m);
      }
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setTyping(null);
    }
  }

  return (
    <div className="mention-box">
      <label>
        <span className="sr-only">{props.label}</span>
        <textarea
          ref={box}
          rows={props.rows ?? 2}
          placeholder={`${props.label} (@ to mention someone)`}
          value={value.text}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          onChange={(e) => edited(e.target.value, e.target.selectionStart)}
          onKeyDown={keys}
          onBlur={() => setTyping(null)}
        />
      </label>
      {open && <MentionList id={listId} options={options} active={active} onPick={pick} />}
    </div>
  );
}
