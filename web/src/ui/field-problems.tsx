import type { FormErrors } from './field-error';

/**
 * How a form shows the API's field errors (field-error.ts): `problem(pointer)` is the message for a field, `errorId`
 * the id its input is described by (aria-describedby), `fieldError` the message shown beside it. `id` is the form's
 * useId(), so two forms on a page never share ids.
 */
export function fieldProblems(errors: FormErrors, id: string) {
  const problem = (pointer: string): string | undefined => errors.fields[pointer];
  return {
    problem,
    errorId: (pointer: string): string | undefined => (problem(pointer) ? `${id}${pointer}` : undefined),
    fieldError: (pointer: string) =>
      problem(pointer) ? (
        <span id={`${id}${pointer}`} className="error field-error">
          {problem(pointer)}
        </span>
      ) : null,
  };
}
