import { Type } from '@sinclair/typebox';
import type { FormWithFields } from '../../../domain/forms/forms.service.js';
import { FIELD_TYPE_VALUES } from '../../../domain/forms/forms.rules.js';

/* Request forms on the core API (administration of what Workstream F1, F2 and T8 use; docs/workstream.md "Forms"). */

export const FormParams = Type.Object({ form_id: Type.String({ description: 'Form id (UUID)' }) });

const FieldDefinition = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'An existing field of this form (update): keeps its id, so earlier answers still name it' })),
    type: Type.Integer({ description: `Workstream field type: ${FIELD_TYPE_VALUES.join(', ')} (15 picklist, 16 radio, 17 checkbox, 18 date, 19 attachments, 20 static image, 21 static title, 22 short answer, 23 long answer, 24 static description, 25 keywords, 26 due date, 27 project, 28 assignee, 29 task name, 30 task description, 31 e-mail)` }),
    question: Type.String({ maxLength: 1000 }),
    required: Type.Optional(Type.Boolean()),
    options: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100, description: 'Choice fields (15, 16, 17): the option labels' })),
    title: Type.Optional(Type.String({ maxLength: 1000, description: 'Static title (21)' })),
    description: Type.Optional(Type.String({ maxLength: 20000, description: 'Static description (24), HTML' })),
    filename: Type.Optional(Type.String({ maxLength: 255, description: 'Static image (20)' })),
    url: Type.Optional(Type.String({ maxLength: 2048, description: 'Static image (20): an http(s) URL' })),
  },
  { additionalProperties: false },
);

const common = {
  icon: Type.Optional(Type.String({ maxLength: 255 })),
  status: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)], { description: '1 active (can be filled in), 0 inactive' })),
  allow_guests: Type.Optional(Type.Boolean({ description: 'Callers without a token may submit it (a guest session; docs/workstream.md)' })),
  fields: Type.Optional(Type.Array(FieldDefinition, { maxItems: 100, description: 'The whole list of fields; a "Task name" field (29) is always first and required' })),
};

export const FormCreateBody = Type.Object({ name: Type.String({ maxLength: 1000 }), ...common }, { additionalProperties: false });
export const FormUpdateBody = Type.Object({ name: Type.Optional(Type.String({ maxLength: 1000 })), ...common }, { additionalProperties: false });

export const FormJson = Type.Object(
  {
    id: Type.String(),
    sequence: Type.Integer({ description: 'The form\'s id on Workstream' }),
    name: Type.String(),
    icon: Type.String(),
    status: Type.Integer({ description: '1 active, 0 inactive, -1 archived' }),
    allow_guests: Type.Boolean(),
    created_by_user_id: Type.Union([Type.String(), Type.Null()]),
    last_used_at: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
    fields: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          sequence: Type.Integer(),
          type: Type.Integer(),
          pos: Type.Integer(),
          content: Type.Record(Type.String(), Type.Unknown(), { description: 'The field\'s content document' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export function presentCoreForm(f: FormWithFields) {
  return {
    id: f.form.id,
    sequence: Number(f.form.sequence),
    name: f.form.name,
    icon: f.form.icon,
    status: f.form.status,
    allow_guests: f.form.allow_guests === 1,
    created_by_user_id: f.form.created_by_user_id,
    last_used_at: f.form.last_used_at,
    created_at: f.form.created_at,
    updated_at: f.form.updated_at,
    fields: f.fields.map((x) => ({ id: x.id, sequence: Number(x.sequence), type: x.type, pos: x.pos, content: JSON.parse(x.content) as Record<string, unknown> })),
  };
}
