import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type RouteSerializerCompiler = ReturnType<SerializerFactory>;

/**
 * Fastify compiles a response serializer per route and status code, even when many routes answer with the very same
 * schema (every route's 400/401/403/404 error bodies, lists of the shared Asset object, ...), and each compiled
 * serializer is generated code that stays in memory (a list of Assets is about 200 KB of it). This compiles each
 * distinct schema once, by content: routes build equal schemas as separate objects.
 */
export const sharedSerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  const byContent = new Map<string, ReturnType<RouteSerializerCompiler>>();
  return ((route: Parameters<RouteSerializerCompiler>[0]) => {
    const key = JSON.stringify(route.schema);
    let serializer = byContent.get(key);
    if (!serializer) {
      serializer = compile(route);
      byContent.set(key, serializer);
    }
    return serializer;
  }) as RouteSerializerCompiler;
};
