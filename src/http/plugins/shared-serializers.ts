import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type RouteSerializerCompiler = ReturnType<SerializerFactory>;
type RouteSchema = Parameters<RouteSerializerCompiler>[0];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isNullSchema = (s: Json): boolean => typeof s === 'object' && s !== null && !Array.isArray(s) && s.type === 'null' && Object.keys(s).length === 1;

/**
 * The schema as fast-json-stringify should see it. A TypeBox nullable (`anyOf: [X, {type: 'null'}]`) becomes X with
 * `nullable: true`: for an `anyOf` the serializer runs a full JSON-schema validation of each branch on every value
 * to pick one (the whole WorkspaceMember object on every GET /workspaces, every nullable field of every Asset), where
 * `nullable` is one `=== null` test. Only serialization changes; the OpenAPI document keeps the `anyOf`.
 */
export function forSerializer(schema: Json): Json {
  if (Array.isArray(schema)) {
    return schema.map(forSerializer);
  }
  if (typeof schema !== 'object' || schema === null) {
    return schema;
  }
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = forSerializer(v);
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2 && anyOf.some(isNullSchema)) {
    const other = anyOf.find((s) => !isNullSchema(s));
    if (other && typeof other === 'object' && !Array.isArray(other) && other.anyOf === undefined && other.oneOf === undefined && other.$ref === undefined) {
      const { anyOf: _dropped, ...rest } = out;
      return { ...other, ...rest, nullable: true };
    }
  }
  return out;
}

/**
 * Fastify compiles a response serializer per route and status code, even when many routes answer with the very same
 * schema (every route's 400/401/403/404 error bodies, lists of the shared Asset object, ...), and each compiled
 * serializer is generated code that stays in memory (a list of Assets is about 200 KB of it). This compiles each
 * distinct schema once, by content (routes build equal schemas as separate objects), from its forSerializer form.
 */
export const sharedSerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  const byContent = new Map<string, ReturnType<RouteSerializerCompiler>>();
  const serializerOf = (route: RouteSchema) => {
    const schema = forSerializer(JSON.parse(JSON.stringify(route.schema)) as Json);
    const key = JSON.stringify(schema);
    let serializer = byContent.get(key);
    if (!serializer) {
      serializer = compile({ ...route, schema: schema as RouteSchema['schema'] });
      byContent.set(key, serializer);
    }
    return serializer;
  };
  // Compiled on the first response that needs it, not at startup (the reason is at compiledOnFirstUse in
  // validators.ts): most routes' error statuses are never answered in a process's life.
  return ((route: RouteSchema) => {
    let serializer: ReturnType<RouteSerializerCompiler> | undefined;
    return (data: unknown) => (serializer ??= serializerOf(route))(data);
  }) as RouteSerializerCompiler;
};
