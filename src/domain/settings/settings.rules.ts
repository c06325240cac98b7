import { KindGuard, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';

/*
 * A setting's value checked against its catalogue schema, with a message a person can act on. TypeBox reports any
 * failure of a union (most settings are "a value or null") as "Expected union value"; the web app shows the message
 * under the field, so the union's members are asked instead.
 */

/** Errors that only say "this is not my kind of value" (as opposed to "right kind, out of range"). */
const KIND_MISMATCH = new Set<ValueErrorType>([
  ValueErrorType.Integer,
  ValueErrorType.Number,
  ValueErrorType.String,
  ValueErrorType.Null,
  ValueErrorType.Boolean,
  ValueErrorType.Literal,
  ValueErrorType.Object,
  ValueErrorType.Array,
  ValueErrorType.Union,
]);

/** Why `value` does not fit `schema` (e.g. "Expected integer to be greater or equal to 1"), or undefined when it fits. */
export function settingProblem(schema: TSchema, value: unknown): string | undefined {
  const first = Value.Errors(schema, value).First();
  if (!first) {
    return undefined;
  }
  if (!KindGuard.IsUnion(schema)) {
    return first.message;
  }
  const members = schema.anyOf.map((m) => Value.Errors(m, value).First()).filter((e) => e !== undefined);
  // The value is of one member's kind but breaks its limits: that member's message says what to change.
  const specific = members.find((e) => !KIND_MISMATCH.has(e.type));
  if (specific) {
    return specific.message;
  }
  const kinds = members.map((e) => e.message.replace(/^Expected /, ''));
  return kinds.length > 0 ? `Expected ${[...new Set(kinds)].join(' or ')}` : first.message;
}
