import { errors } from '../errors.js';

/*
 * Request forms (spec §1.2 field types, §1.3.9 content, §1.4.7 T8 responses; docs/workstream.md "Forms").
 * Pure rules: the field types, the `content` document of each, and how a submitted response is checked.
 */

export const FIELD_TYPES = {
  picklist: 15,
  radio: 16,
  checkbox: 17,
  datepicker: 18,
  attachments: 19,
  staticImage: 20,
  staticTitle: 21,
  shortAnswer: 22,
  longAnswer: 23,
  staticDescription: 24,
  keywords: 25,
  dueDate: 26,
  project: 27,
  assignee: 28,
  taskName: 29,
  taskDescription: 30,
  email: 31,
} as const;
export type FieldType = (typeof FIELD_TYPES)[keyof typeof FIELD_TYPES];
export const FIELD_TYPE_VALUES: readonly number[] = Object.values(FIELD_TYPES);
export const isFieldType = (n: number): n is FieldType => FIELD_TYPE_VALUES.includes(n);

export const CHOICE_TYPES: ReadonlySet<number> = new Set([FIELD_TYPES.picklist, FIELD_TYPES.radio, FIELD_TYPES.checkbox]);
export const STATIC_TYPES: ReadonlySet<number> = new Set([FIELD_TYPES.staticImage, FIELD_TYPES.staticTitle, FIELD_TYPES.staticDescription]);
/** Fields at most once per form: each fills one task column. */
export const MAPPED_TYPES: ReadonlySet<number> = new Set([
  FIELD_TYPES.keywords,
  FIELD_TYPES.dueDate,
  FIELD_TYPES.project,
  FIELD_TYPES.assignee,
  FIELD_TYPES.taskName,
  FIELD_TYPES.taskDescription,
]);

export const FORM_STATUS = { active: 1, inactive: 0, deleted: -1 } as const;

export const LIMITS = { formName: 255, question: 1000, option: 255, options: 100, fields: 100, shortAnswer: 255, longAnswer: 10_000, keywords: 3000, html: 20_000, email: 254 };

/** A field as an administrator defines it (core API). */
export interface FieldDefinition {
  type: number;
  question: string;
  required?: boolean | undefined;
  /** Choice fields: the option labels. */
  options?: readonly string[] | undefined;
  /** Static title (21). */
  title?: string | undefined;
  /** Static description (24), HTML. */
  description?: string | undefined;
  /** Static image (20). */
  filename?: string | undefined;
  url?: string | undefined;
}

/** The stored `content` document of a field (spec §1.3.9); `at` names the definition in errors. */
export function fieldContent(def: FieldDefinition, at: string): Record<string, unknown> {
  if (!isFieldType(def.type)) {
    throw errors.invalidField('body', `${at}/type`, `must be a field type: ${FIELD_TYPE_VALUES.join(', ')}`);
  }
  const text = (v: string | undefined, field: string, max: number, required = false): string => {
    const s = v ?? '';
    if ((required && s.trim() === '') || s.length > max) {
      throw errors.invalidField('body', `${at}/${field}`, required ? `must be 1 to ${max} characters` : `must be at most ${max} characters`);
    }
    return s;
  };
  const question = text(def.question, 'question', LIMITS.question);
  const required = def.type === FIELD_TYPES.taskName ? true : def.required === true;
  if (STATIC_TYPES.has(def.type) && def.required) {
    throw errors.invalidField('body', `${at}/required`, 'static fields take no answer, so cannot be required');
  }
  if (def.options !== undefined && !CHOICE_TYPES.has(def.type)) {
    throw errors.invalidField('body', `${at}/options`, 'only picklist, radio and checkbox fields have options');
  }
  if (CHOICE_TYPES.has(def.type)) {
    const labels = def.options ?? [];
    if (labels.length < 1 || labels.length > LIMITS.options) {
      throw errors.invalidField('body', `${at}/options`, `must list 1 to ${LIMITS.options} options`);
    }
    const seen = new Set<string>();
    labels.forEach((l, i) => {
      if (l.trim() === '' || l.length > LIMITS.option || seen.has(l)) {
        throw errors.invalidField('body', `${at}/options/${i}`, `must be a distinct label of 1 to ${LIMITS.option} characters`);
      }
      seen.add(l);
    });
    return { question, options: labels.map((label, index) => ({ label, checked: false, index })), required };
  }
  switch (def.type) {
    case FIELD_TYPES.staticTitle:
      return { question, title: text(def.title, 'title', LIMITS.question, true) };
    case FIELD_TYPES.staticDescription:
      return { question, description: text(def.description, 'description', LIMITS.html, true) };
    case FIELD_TYPES.staticImage: {
      const url = text(def.url, 'url', 2048, true);
      if (!/^https?:\/\/\S+$/.test(url)) {
        throw errors.invalidField('body', `${at}/url`, 'must be an http(s) URL');
      }
      return { question, filename: text(def.filename, 'filename', 255), url };
    }
    default:
      return required ? { question, required } : { question };
  }
}

/** The parsed `content` of a stored field. */
export function parseContent(content: string): { question: string; required: boolean; options: string[] } {
  try {
    const c = JSON.parse(content) as { question?: unknown; required?: unknown; options?: unknown };
    const options = Array.isArray(c.options) ? c.options.map((o: { label?: unknown }) => (typeof o?.label === 'string' ? o.label : '')).filter((l) => l !== '') : [];
    return { question: typeof c.question === 'string' ? c.question : '', required: c.required === true, options };
  } catch {
    return { question: '', required: false, options: [] };
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A Unix-seconds response (number or numeric string) as a number, or undefined when malformed. */
export function unixOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,12}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 && n <= 253_402_300_799 ? n : undefined;
}

/** Whether a response counts as "no answer". */
export const isBlank = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * Checks a response against its field's type; returns the normalised value to store (ids are resolved by the
 * service). `at` is the error path of the response (`fields/3/response`).
 */
export function checkResponse(type: number, content: string, response: unknown, at: string): unknown {
  if (STATIC_TYPES.has(type)) {
    if (!isBlank(response)) {
      throw errors.invalidField('body', at, 'static fields take no response');
    }
    return null;
  }
  if (isBlank(response)) {
    return null;
  }
  const fail = (why: string): never => {
    throw errors.invalidField('body', at, why);
  };
  const str = (max: number): string => (typeof response === 'string' && response.length <= max ? response : fail(`must be text of at most ${max} characters`));
  switch (type) {
    case FIELD_TYPES.picklist:
    case FIELD_TYPES.radio: {
      const labels = parseContent(content).options;
      return typeof response === 'string' && labels.includes(response) ? response : fail(`must be one of the options: ${labels.join(', ')}`);
    }
    case FIELD_TYPES.checkbox: {
      const labels = parseContent(content).options;
      const list = typeof response === 'string' ? [response] : Array.isArray(response) ? response : fail('must be an array of option labels');
      const chosen = list.map((v) => (typeof v === 'string' && labels.includes(v) ? v : fail(`must only hold options: ${labels.join(', ')}`)));
      return [...new Set(chosen)];
    }
    case FIELD_TYPES.datepicker:
    case FIELD_TYPES.dueDate:
      return unixOf(response) ?? fail('must be a Unix timestamp in seconds');
    case FIELD_TYPES.attachments: {
      const list = Array.isArray(response) ? response : fail('must be an array of assets, each with `id` and `filename`');
      return list.map((item: unknown, i) => {
        const o = item && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : fail(`item ${i} must be an object with \`id\` and \`filename\``);
        if (typeof o.id !== 'number' && typeof o.id !== 'string') {
          throw errors.invalidField('body', `${at}/${i}/id`, 'must be an asset id');
        }
        return { id: o.id, filename: typeof o.filename === 'string' ? o.filename.slice(0, 255) : '' };
      });
    }
    case FIELD_TYPES.shortAnswer:
    case FIELD_TYPES.taskName:
      return str(LIMITS.shortAnswer);
    case FIELD_TYPES.longAnswer:
    case FIELD_TYPES.taskDescription:
      return str(LIMITS.longAnswer);
    case FIELD_TYPES.keywords:
      return str(LIMITS.keywords);
    case FIELD_TYPES.email: {
      const s = str(LIMITS.email);
      return EMAIL.test(s) ? s : fail('must be an e-mail address');
    }
    case FIELD_TYPES.assignee:
    case FIELD_TYPES.project:
      return typeof response === 'number' || (typeof response === 'string' && /^[0-9]{1,10}$/.test(response)) ? response : fail('must be a numeric id');
    default:
      return fail('is not a known field type');
  }
}

/** Comma-separated keywords as distinct trimmed tag names (at most 50). */
export function keywordList(keywords: string | null | undefined): string[] {
  if (!keywords) {
    return [];
  }
  const out = new Map<string, string>();
  for (const k of keywords.split(',')) {
    const name = k.trim();
    if (name !== '' && !out.has(name.toLowerCase())) {
      out.set(name.toLowerCase(), name.slice(0, 100));
    }
  }
  return [...out.values()].slice(0, 50);
}
