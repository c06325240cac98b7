import { Type, type Static } from '@sinclair/typebox';
import { NullableString } from './common.schemas.js';

export const ChecklistItem = Type.Object(
  {
    id: Type.String(),
    task_id: Type.String(),
    value: Type.String(),
    done: Type.Boolean(),
    position: Type.Integer({ description: 'Its place in the list, from 0' }),
    creator_id: NullableString,
    completed_by_id: Type.Union([Type.String(), Type.Null()], { description: 'Who ticked it; null while it is open' }),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { description: 'ChecklistItem' },
);
export type ChecklistItemJson = Static<typeof ChecklistItem>;

export const ChecklistBody = Type.Object(
  {
    checklist_items: Type.Array(
      Type.Object(
        {
          id: Type.Optional(Type.String({ maxLength: 100, description: 'An existing item of this task (kept, with its id); leave out for a new item' })),
          value: Type.String({ maxLength: 3000, description: '1 to 3000 characters' }),
          done: Type.Optional(Type.Boolean({ description: 'Ticked; default false' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 500, description: 'The whole checklist in order: items left out are removed' },
    ),
  },
  { additionalProperties: false },
);
