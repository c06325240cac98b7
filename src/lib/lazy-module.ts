import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A CommonJS dependency loaded on first use instead of at startup. sharp (libvips), the AWS SDK and pg each add
 * megabytes to every process that imports them, and an API process on the defaults (disk store, SQLite, workers
 * elsewhere) needs none of them; loading them lazily keeps its resident memory down (bench/ingest). Synchronous, so
 * it fits code that builds a client or a pipeline without awaiting. `init` runs once, on first load.
 */
export function lazyModule<T>(id: string, init?: (module: T) => void): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      loaded = requireHere(id) as T;
      init?.(loaded);
    }
    return loaded;
  };
}

/** The same for an ES-module-only dependency, loaded with `import()` on first use. */
export function lazyImport<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}
