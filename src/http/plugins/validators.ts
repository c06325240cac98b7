import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<CompilersFactory['buildValidator']>;

/*
 * What Fastify really passes and expects (lib/schemas.js): the compiler is called with the route definition, not
 * with a bare schema as @fastify/ajv-compiler's typings say, hence the local types and one cast at the export.
 */
interface RouteDefinition {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
}
type RouteValidatorCompiler = (route: RouteDefinition) => ValidateFn;
type BuildCompiler = (externalSchemas: Record<string, unknown>, options?: { customOptions?: Record<string, unknown> }) => RouteValidatorCompiler;

interface AjvLikeIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

interface ValidateFn {
  (data: unknown, options?: unknown): boolean;
  errors?: AjvLikeIssue[] | null;
  schemaEnv?: unknown;
}

/** The JSON pointer of the first number in `value` that is NaN or infinite, or undefined. */
function nonFinitePointer(value: unknown, at: string): string | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : at || '/';
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonFinitePointer(value[i], `${at}/${i}`);
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = nonFinitePointer(v, `${at}/${k}`);
      if (found !== undefined) {
        return found;
      }
    }
  }
  return undefined;
}

/**
 * Ajv's coercion turns "Infinity" and "1e999" into numbers and then skips minimum/maximum for them (they are not
 * finite), so `limit=Infinity` reached the handlers. A coerced part is refused when any number in it is not finite.
 */
function finiteNumbersOnly(validate: ValidateFn): ValidateFn {
  const wrapped: ValidateFn = (data, options) => {
    if (!validate(data, options)) {
      wrapped.errors = validate.errors ?? null;
      return false;
    }
    // Coercion may replace the root value itself (through options.parentData), so check what the request now holds.
    const holder = options as { parentData?: Record<string, unknown>; parentDataProperty?: string } | undefined;
    const value = holder?.parentData && holder.parentDataProperty ? holder.parentData[holder.parentDataProperty] : data;
    const pointer = nonFinitePointer(value, '');
    if (pointer !== undefined) {
      wrapped.errors = [{ instancePath: pointer, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' }];
      return false;
    }
    wrapped.errors = null;
    return true;
  };
  wrapped.schemaEnv = validate.schemaEnv;
  return wrapped;
}

/**
 * Two Ajv instances: JSON bodies are validated strictly (a number is not a string, "5" is not a number), while the
 * querystring, params and headers, which arrive as text, are still coerced to the schema's integers, booleans and
 * arrays. One setting for every part (Fastify's default, `coerceTypes: 'array'`) turned `{"title":123}` into "123"
 * and `{"defaultAvatar":"Infinity"}` into a stored Infinity.
 */
// One pool for the process, as Fastify's default: equal schemas and options reuse one Ajv instance.
const build = AjvCompiler() as unknown as BuildCompiler;

const buildPartValidators: BuildCompiler = (externalSchemas, options) => {
  const custom = options?.customOptions ?? {};
  const coercing = build(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } });
  const strict = build(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } });
  return (route) => compiledOnFirstUse(() => (route.httpPart === 'body' ? strict(route) : finiteNumbersOnly(coercing(route))));
};

/**
 * Compiles a route's validator on its first request instead of at startup. Compiling every validator of ~500
 * operations took most of the 3 s an app needed to become ready (and each test file starts two apps); a route
 * never called never pays. The schemas are TypeBox's, checked by the type-checker and by the schema fuzzer, which
 * calls every operation.
 */
function compiledOnFirstUse(compile: () => ValidateFn): ValidateFn {
  let validate: ValidateFn | undefined;
  const wrapped: ValidateFn = (data, options) => {
    validate ??= compile();
    const ok = validate(data, options);
    wrapped.errors = validate.errors ?? null;
    return ok;
  };
  // Fastify passes the request as parentData (so coercion may replace a root value) only to validators that have
  // this Ajv property; every validator compiled here is Ajv's.
  wrapped.schemaEnv = true;
  return wrapped;
}

export const partValidators = buildPartValidators as unknown as ValidatorFactory;
