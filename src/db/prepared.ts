import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { DB } from './schema.js';

/*
 * Queries built and compiled once, then run with new values each time. Building a query with Kysely (immutable
 * nodes, frozen at every step) and compiling it cost more CPU than SQLite spent running it on the queue's and the
 * media pipeline's hot paths (bench/thumbnails), which run the same few statements for every job.
 *
 * The builder is called once per database kind with stand-in values: a text value `\0name` per parameter, `\0name:i`
 * per element of an array parameter (one template per array length), and the real value of a `literal` parameter
 * (one template per value: a LIMIT, which the SQLite compiler writes into the SQL text). The compiled template's
 * parameters that are stand-ins are then replaced by each run's values. So the builder must use its values only as
 * query values: not in conditions of its own (`p.x ? … : …`), and not as text that Kysely rewrites. No real value
 * starts with a NUL character.
 */

type Values = Record<string, unknown>;

const STAND_IN = '\u0000';

export class PreparedQuery<P extends object, R> {
  /** Per dialect adapter (one per database kind; transactions share their database's), then per template key. */
  private readonly templates = new WeakMap<object, Map<string, CompiledQuery<R>>>();

  constructor(
    private readonly build: (db: Kysely<DB>, p: P) => Compilable<R>,
    private readonly literal: ReadonlyArray<keyof P> = [],
  ) {}

  /** Runs the query with `values` (in `db`'s transaction when `db` is one). */
  async execute(db: Kysely<DB>, values: P): Promise<QueryResult<R>> {
    const template = this.template(db, values);
    const parameters = template.parameters.map((v) => (typeof v === 'string' && v.startsWith(STAND_IN) ? valueOf(v, values as Values) : v));
    return db.executeQuery(CompiledQuery.raw(template.sql, parameters) as CompiledQuery<R>);
  }

  async rows(db: Kysely<DB>, values: P): Promise<R[]> {
    return (await this.execute(db, values)).rows;
  }

  async first(db: Kysely<DB>, values: P): Promise<R | undefined> {
    return (await this.execute(db, values)).rows[0];
  }

  /** Rows an UPDATE or DELETE changed. */
  async affected(db: Kysely<DB>, values: P): Promise<number> {
    return Number((await this.execute(db, values)).numAffectedRows ?? 0n);
  }

  private template(db: Kysely<DB>, values: P): CompiledQuery<R> {
    const key = this.keyOf(values);
    const adapter = db.getExecutor().adapter;
    let byKey = this.templates.get(adapter);
    let template = byKey?.get(key);
    if (!template) {
      template = this.build(db, this.standIns(values)).compile();
      if (!byKey) {
        byKey = new Map();
        this.templates.set(adapter, byKey);
      }
      byKey.set(key, template);
    }
    return template;
  }

  /** What tells one template from another: the literal values and the array lengths. */
  private keyOf(values: P): string {
    let key = '';
    for (const [name, value] of Object.entries(values)) {
      if (this.literal.includes(name as keyof P)) {
        key += `${name}=${String(value)};`;
      } else if (Array.isArray(value)) {
        key += `${name}#${value.length};`;
      }
    }
    return key;
  }

  private standIns(values: P): P {
    const out: Values = {};
    for (const [name, value] of Object.entries(values)) {
      out[name] = this.literal.includes(name as keyof P)
        ? value
        : Array.isArray(value)
          ? value.map((_, i) => `${STAND_IN}${name}:${i}`)
          : `${STAND_IN}${name}`;
    }
    return out as P;
  }
}

/** The run's value for a stand-in `\0name` or `\0name:i`. */
function valueOf(standIn: string, values: Values): unknown {
  const colon = standIn.indexOf(':');
  if (colon === -1) {
    return values[standIn.slice(1)];
  }
  const array = values[standIn.slice(1, colon)] as unknown[];
  return array[Number(standIn.slice(colon + 1))];
}

/** A query compiled once per database kind and template key; see the note at the top of this file. */
export function prepare<P extends object, R>(build: (db: Kysely<DB>, p: P) => Compilable<R>, options: { literal?: ReadonlyArray<keyof P> } = {}): PreparedQuery<P, R> {
  return new PreparedQuery(build, options.literal);
}
