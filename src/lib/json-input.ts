/*
 * Checks on JSON that came from a client, after JSON.parse. Only JSON text can carry these: a `\ud800` escape is the
 * one way a lone UTF-16 surrogate gets into a string (percent-decoding, multipart and base64 metadata all decode
 * UTF-8 bytes, which never yields one), and JSON.parse makes `__proto__` an ordinary own key that a later
 * Object.assign or merge would turn into a prototype.
 */

export interface JsonInputProblem {
  /** JSON pointer of the offending value or key ('/' for the root). */
  pointer: string;
  message: string;
}

const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/** A pointer segment (RFC 6901), with any lone surrogate shown as U+FFFD so the answer itself stays valid UTF-8. */
function segment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1').replace(LONE_SURROGATES, '\ufffd');
}

/**
 * The first problem in a parsed JSON value: a string or key with a lone surrogate (it would be stored as invalid
 * UTF-8), or a `__proto__` / `constructor.prototype` key. Iterative, so deeply nested input cannot overflow the stack.
 */
export function findJsonInputProblem(value: unknown): JsonInputProblem | undefined {
  const stack: Array<{ value: unknown; at: string }> = [{ value, at: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: v, at } = item;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) {
        return { pointer: at || '/', message: 'must be valid Unicode text (it contains a lone UTF-16 surrogate)' };
      }
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], at: `${at}/${i}` });
      }
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const here = `${at}/${segment(key)}`;
        if (key === '__proto__') {
          return { pointer: here, message: 'is not allowed (a reserved key)' };
        }
        if (LONE_SURROGATE.test(key)) {
          return { pointer: here, message: 'is not allowed (the key contains a lone UTF-16 surrogate)' };
        }
        if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) {
          return { pointer: `${here}/prototype`, message: 'is not allowed (a reserved key)' };
        }
        stack.push({ value: child, at: here });
      }
    }
  }
  return undefined;
}
