import { ApiError } from '../api/client';

/*
 * The API names a bad field in its error answer (`error.fields[].pointer`, a JSON pointer within the body, e.g.
 * `/value` or `/url`). Forms show that message beside the field; anything else goes to the form's general alert.
 */

export interface FormErrors {
  /** JSON pointer -> message. */
  fields: Record<string, string>;
  general: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, general: null };

export function formErrorsOf(err: unknown, known: readonly string[]): FormErrors {
  if (!(err instanceof ApiError)) {
    return { fields: {}, general: err instanceof Error ? err.message : String(err) };
  }
  const fields: Record<string, string> = {};
  for (const f of err.fields) {
    // A pointer into an array (/event_types/0) belongs to the array's field.
    const owner = known.find((k) => f.pointer === k || f.pointer.startsWith(`${k}/`));
    if (owner && f.in === 'body') {
      fields[owner] = fields[owner] ? `${fields[owner]}; ${f.message}` : f.message;
    }
  }
  return { fields, general: Object.keys(fields).length > 0 ? null : err.message };
}
