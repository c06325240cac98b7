import { Type } from '@sinclair/typebox';
import type { FormFieldRow, FormRow } from '../../../db/schema.js';
import type { FormUsage } from '../../../domain/forms/forms.repo.js';
import { unixSecondsText } from './conventions.js';

/* §1.3.9 Form and form field, as the seed's examples show them; `totals`/`stats` with `datatable=1` (docs/workstream.md). */

const UnixText = Type.String({ pattern: '^[0-9]+$', description: 'Unix seconds as a string' });

export const WsFormField = Type.Object(
  {
    id: Type.Integer(),
    object_type: Type.Literal(1),
    object_id: Type.Integer({ description: 'The form id' }),
    type: Type.Integer(),
    pos: Type.Integer({ description: '0-based; the "Task name" field (29) is always 0' }),
    content: Type.String({ description: 'A JSON document encoded as a string' }),
    draft_pos: Type.Null(),
    draft_content: Type.Null(),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

const Totals = Type.Object(
  { tasks: Type.Integer(), in_use_now: Type.Integer(), completed: Type.Integer() },
  { additionalProperties: false, description: 'datatable=1: tasks made from the form, still open, completed' },
);
const Stats = Type.Object(
  {
    ever_used: Type.Boolean(),
    last_used: Type.Union([UnixText, Type.Null()]),
    completion: Type.Integer({ description: 'Completed tasks as a percentage of all tasks made from the form' }),
    fields: Type.Integer({ description: 'Number of fields' }),
  },
  { additionalProperties: false },
);

export const WsForm = Type.Object(
  {
    id: Type.Integer(),
    type: Type.Literal('requestform'),
    icon: Type.String(),
    draft_icon: Type.Null(),
    name: Type.String(),
    draft_name: Type.Null(),
    status: Type.Integer({ description: '1 active, 0 inactive, -1 deleted' }),
    owner: Type.Null(),
    settings: Type.Null(),
    fields: Type.Union([Type.Null(), Type.Array(WsFormField)]),
    totals: Type.Union([Type.Null(), Totals]),
    stats: Type.Union([Type.Null(), Stats]),
    created_at: UnixText,
    updated_at: UnixText,
  },
  { additionalProperties: false },
);

export function presentFormField(f: FormFieldRow, formSequence: number) {
  return {
    id: Number(f.sequence),
    object_type: 1 as const,
    object_id: formSequence,
    type: f.type,
    pos: f.pos,
    content: f.content,
    draft_pos: null,
    draft_content: null,
    created_at: unixSecondsText(f.created_at),
    updated_at: unixSecondsText(f.updated_at),
  };
}

/** A form; `fields` null in lists (F1), the array in F2; `usage` (datatable=1) fills `totals` and `stats`. */
export function presentForm(form: FormRow, fields: FormFieldRow[] | null, usage?: { usage: FormUsage | undefined; fieldCount: number }) {
  const u = usage?.usage ?? { total: 0, open: 0, completed: 0 };
  return {
    id: Number(form.sequence),
    type: 'requestform' as const,
    icon: form.icon,
    draft_icon: null,
    name: form.name,
    draft_name: null,
    status: form.status,
    owner: null,
    settings: null,
    fields: fields === null ? null : fields.map((f) => presentFormField(f, Number(form.sequence))),
    totals: usage ? { tasks: u.total, in_use_now: u.open, completed: u.completed } : null,
    stats: usage
      ? {
          ever_used: u.total > 0,
          last_used: form.last_used_at === null ? null : unixSecondsText(form.last_used_at),
          completion: u.total === 0 ? 0 : Math.round((u.completed * 100) / u.total),
          fields: usage.fieldCount,
        }
      : null,
    created_at: unixSecondsText(form.created_at),
    updated_at: unixSecondsText(form.updated_at),
  };
}
