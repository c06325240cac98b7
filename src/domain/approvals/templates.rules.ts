import { errors } from '../errors.js';
import { APPROVER_STYLES, type ApproverStyle } from './approvals.rules.js';

/*
 * Template stages (approval paths, spec §1.4.1; docs/approvals.md "Templates"). Stored as JSON text on the template
 * version; stage numbers are 1-based positions (an approval's `current_stage_id`).
 */

export const APPROVER_SOURCES = ['uploader', 'requester', 'fixed'] as const;
export type ApproverSource = (typeof APPROVER_SOURCES)[number];

/** An approver as stored: a user or team (UUIDs) or a guest e-mail. */
export type ApproverRef = { type: 'user'; id: string } | { type: 'team'; id: string } | { type: 'email'; email: string };

export interface TemplateStage {
  name: string;
  approver_source: ApproverSource;
  /** Only for `fixed`. */
  approvers: ApproverRef[];
  approver_style: ApproverStyle;
  view_comments: boolean;
  can_proof: boolean;
}

export const MAX_STAGES = 20;
export const MAX_APPROVERS = 100;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const isEmail = (s: string): boolean => s.length <= 254 && EMAIL_RE.test(s);

/** Checks stages from a request (core API); field errors name `stages/<i>/<field>`. */
export function cleanStages(input: unknown): TemplateStage[] {
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_STAGES) {
    throw errors.invalidField('body', 'stages', `must be 1 to ${MAX_STAGES} stages`);
  }
  return input.map((raw: unknown, i) => {
    const at = (f: string) => `stages/${i}/${f}`;
    const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = typeof s.name === 'string' ? s.name.trim() : '';
    if (name === '' || name.length > 255) {
      throw errors.invalidField('body', at('name'), 'must be 1 to 255 characters');
    }
    const source = s.approver_source;
    if (typeof source !== 'string' || !(APPROVER_SOURCES as readonly string[]).includes(source)) {
      throw errors.invalidField('body', at('approver_source'), `must be one of ${APPROVER_SOURCES.join(', ')}`);
    }
    const style = s.approver_style ?? 'all';
    if (typeof style !== 'string' || !(APPROVER_STYLES as readonly string[]).includes(style)) {
      throw errors.invalidField('body', at('approver_style'), `must be one of ${APPROVER_STYLES.join(', ')}`);
    }
    const approvers: ApproverRef[] = [];
    if (source === 'fixed') {
      const list = s.approvers;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_APPROVERS) {
        throw errors.invalidField('body', at('approvers'), `a fixed stage names 1 to ${MAX_APPROVERS} approvers`);
      }
      list.forEach((a: unknown, j) => {
        const r = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
        if ((r.type === 'user' || r.type === 'team') && typeof r.id === 'string' && r.id !== '') {
          approvers.push({ type: r.type, id: r.id });
        } else if (r.type === 'email' && typeof r.email === 'string' && isEmail(r.email.trim())) {
          approvers.push({ type: 'email', email: r.email.trim().toLowerCase() });
        } else {
          throw errors.invalidField('body', `${at('approvers')}/${j}`, 'must be {"type":"user"|"team","id"} or {"type":"email","email"}');
        }
      });
    } else if (s.approvers !== undefined && !(Array.isArray(s.approvers) && s.approvers.length === 0)) {
      throw errors.invalidField('body', at('approvers'), 'only a fixed stage names approvers');
    }
    const bool = (v: unknown, f: string, dflt: boolean): boolean => {
      if (v === undefined) {
        return dflt;
      }
      if (typeof v !== 'boolean') {
        throw errors.invalidField('body', at(f), 'must be true or false');
      }
      return v;
    };
    return {
      name,
      approver_source: source as ApproverSource,
      approvers,
      approver_style: style as ApproverStyle,
      view_comments: bool(s.view_comments, 'view_comments', true),
      can_proof: bool(s.can_proof, 'can_proof', true),
    };
  });
}

/** Stages as stored (written by cleanStages only). */
export const parseStages = (json: string): TemplateStage[] => JSON.parse(json) as TemplateStage[];
