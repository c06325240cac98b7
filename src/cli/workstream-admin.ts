import { CommandError, EXIT } from './exit-codes.js';
import { isUuid, type Session } from './session.js';

/*
 * Commands for administrators of the Workstream surface (docs/cli.md, "Workstream administration"): the account's
 * teams and approval templates, the workspace's forms and projects, which Workstream reads but has no routes to
 * write. They call the core API (docs/approvals.md, docs/workstream.md); the server checks the caller's role, the
 * commands only translate names and e-mails to ids.
 */

interface Team {
  id: string;
  sequence: number;
  name: string;
  color: string;
  member_ids: string[];
}
interface Approver {
  type: 'user' | 'team' | 'email';
  id?: string;
  email?: string;
}
interface Stage {
  name: string;
  approver_source: string;
  approvers: Approver[];
  approver_style: string;
  view_comments: boolean;
  can_proof: boolean;
}
interface Template {
  id: string;
  sequence: number;
  name: string;
  version: number;
  is_current: boolean;
  stages: Stage[];
}
interface Form {
  id: string;
  sequence: number;
  name: string;
  status: number;
  allow_guests: boolean;
  fields: Array<{ id: string; sequence: number; type: number; pos: number; content: Record<string, unknown> }>;
}
interface Project {
  id: string;
  sequence: number;
  name: string;
  status: string;
  sponsor_id: string | null;
  owner_id: string | null;
  launch_date: string | null;
  description: string;
  task_count: number;
  completion: number;
}
interface Member {
  user_id: string;
  user: { email: string };
}

/** Every page of a list route that takes `limit` and `offset`. */
async function allPages<T>(fetchPage: (offset: number) => Promise<T[]>, limit: number): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await fetchPage(offset);
    out.push(...page);
    if (page.length < limit) {
      return out;
    }
  }
}

/** A row by UUID, Workstream integer id or exact name; else exit 5 naming what there is. */
function pick<T extends { id: string; sequence: number; name: string }>(kind: string, rows: T[], ref: string): T {
  const found = rows.find((r) => r.id === ref) ?? (/^[0-9]+$/.test(ref) ? rows.find((r) => r.sequence === Number(ref)) : undefined) ?? rows.find((r) => r.name === ref);
  if (!found) {
    throw new CommandError(`no ${kind} "${ref}" (${rows.map((r) => r.name).join(', ') || 'none'})`, EXIT.notFound);
  }
  return found;
}

async function members(session: Session): Promise<Member[]> {
  const { data } = await session.client.api.GET('/accounts/members');
  return (data ?? []) as unknown as Member[];
}

/** User ids for ids or e-mails of the account's members; an unknown one is exit 5. */
async function userIds(session: Session, refs: readonly string[]): Promise<string[]> {
  const wanted = refs.filter((r) => !isUuid(r));
  const byEmail = wanted.length === 0 ? new Map<string, string>() : new Map((await members(session)).map((m) => [m.user.email.toLowerCase(), m.user_id]));
  return refs.map((r) => {
    const id = isUuid(r) ? r : byEmail.get(r.toLowerCase());
    if (!id) {
      throw new CommandError(`no member with e-mail "${r}" in this account`, EXIT.notFound);
    }
    return id;
  });
}

/* Teams. */

async function listTeams(session: Session): Promise<Team[]> {
  return allPages(async (offset) => (await session.client.api.GET('/accounts/teams', { params: { query: { limit: 500, offset } } })).data as unknown as Team[], 500);
}

const teamLine = (t: Team): string => `${t.id}\t${t.sequence}\t${t.name}\t${t.member_ids.length} member${t.member_ids.length === 1 ? '' : 's'}`;

export async function teamsListCommand(session: Session): Promise<number> {
  for (const t of await listTeams(session)) {
    session.emit(t);
    session.say(teamLine(t));
  }
  return EXIT.ok;
}

export async function teamsAddCommand(session: Session, name: string, o: { member?: string[]; color?: string }): Promise<number> {
  const ids = o.member ? await userIds(session, o.member) : undefined;
  const { data } = await session.client.api.POST('/accounts/teams', { body: { name, ...(o.color !== undefined ? { color: o.color } : {}), ...(ids ? { user_ids: ids } : {}) } as never });
  const t = data as unknown as Team;
  session.emit(t);
  session.say(`added team ${teamLine(t)}`);
  return EXIT.ok;
}

export async function teamsShowCommand(session: Session, ref: string): Promise<number> {
  const team = pick('team', await listTeams(session), ref);
  session.emit(team);
  if (!session.json) {
    const emails = new Map((await members(session)).map((m) => [m.user_id, m.user.email]));
    session.say(teamLine(team));
    for (const id of team.member_ids) {
      session.say(`member\t${id}\t${emails.get(id) ?? '-'}`);
    }
  }
  return EXIT.ok;
}

/* Approval templates. */

async function listTemplates(session: Session, all = false): Promise<Template[]> {
  const { data } = await session.client.api.GET('/accounts/approvalTemplates', { params: { query: all ? { all: true } : {} } });
  return (data ?? []) as unknown as Template[];
}

const SOURCES = ['uploader', 'requester', 'fixed'];

/**
 * `--stage NAME:SOURCE[:APPROVER,…]`: SOURCE uploader, requester or fixed; a fixed stage's approvers are `team:NAME`
 * (or `team:ID`), a member's e-mail or user id (a user), or any other e-mail (a guest approver). The stage's other
 * switches keep the server's defaults (all approvers, comments shown, proofing allowed).
 */
async function parseStages(session: Session, specs: readonly string[]): Promise<Array<Record<string, unknown>>> {
  let teams: Team[] | undefined;
  let emails: Map<string, string> | undefined;
  const out: Array<Record<string, unknown>> = [];
  for (const spec of specs) {
    const first = spec.indexOf(':');
    const rest = first < 0 ? '' : spec.slice(first + 1);
    const second = rest.indexOf(':');
    const name = first < 0 ? spec : spec.slice(0, first);
    const source = second < 0 ? rest : rest.slice(0, second);
    const approvers = second < 0 ? '' : rest.slice(second + 1);
    if (name.trim() === '' || !SOURCES.includes(source)) {
      throw new CommandError(`--stage "${spec}" must be NAME:SOURCE[:APPROVERS] with SOURCE one of ${SOURCES.join(', ')}`, EXIT.usage);
    }
    const refs = approvers.split(',').map((s) => s.trim()).filter(Boolean);
    if ((source === 'fixed') !== refs.length > 0) {
      throw new CommandError(`--stage "${spec}": ${source === 'fixed' ? 'a fixed stage needs approvers' : `a ${source} stage takes no approvers`}`, EXIT.usage);
    }
    const list: Approver[] = [];
    for (const ref of refs) {
      if (ref.startsWith('team:')) {
        teams ??= await listTeams(session);
        list.push({ type: 'team', id: pick('team', teams, ref.slice(5)).id });
      } else if (isUuid(ref)) {
        list.push({ type: 'user', id: ref });
      } else {
        emails ??= new Map((await members(session)).map((m) => [m.user.email.toLowerCase(), m.user_id]));
        const id = emails.get(ref.toLowerCase());
        list.push(id ? { type: 'user', id } : { type: 'email', email: ref });
      }
    }
    out.push({ name, approver_source: source, ...(list.length > 0 ? { approvers: list } : {}) });
  }
  return out;
}

function sayTemplate(session: Session, verb: string, t: Template): void {
  session.emit(t);
  session.say(`${verb}${t.id}\t${t.sequence}\t${t.name}\tv${t.version}\t${t.stages.length} stage${t.stages.length === 1 ? '' : 's'}`);
}

export async function templatesListCommand(session: Session, o: { all?: boolean }): Promise<number> {
  for (const t of await listTemplates(session, o.all === true)) {
    sayTemplate(session, '', t);
  }
  return EXIT.ok;
}

export async function templatesAddCommand(session: Session, name: string, o: { stage?: string[] }): Promise<number> {
  if (!o.stage || o.stage.length === 0) {
    throw new CommandError('a template needs at least one --stage NAME:SOURCE[:APPROVERS]', EXIT.usage);
  }
  const stages = await parseStages(session, o.stage);
  const { data } = await session.client.api.POST('/accounts/approvalTemplates', { body: { name, stages } as never });
  sayTemplate(session, 'added template ', data as unknown as Template);
  return EXIT.ok;
}

export async function templatesShowCommand(session: Session, ref: string): Promise<number> {
  const t = pick('template', await listTemplates(session), ref);
  sayTemplate(session, '', t);
  if (!session.json) {
    const teams = t.stages.some((s) => s.approvers.some((a) => a.type === 'team')) ? new Map((await listTeams(session)).map((x) => [x.id, x.name])) : new Map<string, string>();
    const emails = t.stages.some((s) => s.approvers.some((a) => a.type === 'user')) ? new Map((await members(session)).map((m) => [m.user_id, m.user.email])) : new Map<string, string>();
    t.stages.forEach((s, i) => {
      const who = s.approvers.map((a) => (a.type === 'team' ? `team:${teams.get(a.id ?? '') ?? a.id}` : a.type === 'user' ? (emails.get(a.id ?? '') ?? a.id) : a.email)).join(',');
      session.say(`stage ${i + 1}\t${s.name}\t${s.approver_source}${who ? `\t${who}` : ''}\t${s.approver_style}${s.can_proof ? '' : '\tno-proof'}${s.view_comments ? '' : '\tno-comments'}`);
    });
  }
  return EXIT.ok;
}

/* Forms. */

async function listForms(session: Session): Promise<Form[]> {
  return allPages(async (offset) => (await session.client.api.GET('/workspaces/forms', { params: { query: { limit: 100, offset } } })).data as unknown as Form[], 100);
}

const FORM_STATUS: Record<number, string> = { 1: 'active', 0: 'inactive', [-1]: 'archived' };
const formLine = (f: Form): string => `${f.id}\t${f.sequence}\t${FORM_STATUS[f.status] ?? f.status}\t${f.name}\t${f.fields.length} field${f.fields.length === 1 ? '' : 's'}${f.allow_guests ? '\tguests' : ''}`;

/** `--field TYPE[*]:QUESTION[:OPTION|OPTION…]`: `*` makes it required; options for picklist, radio and checkbox. */
function parseField(spec: string): Record<string, unknown> {
  const m = /^([0-9]{2})(\*?):([^:]*)(?::(.*))?$/s.exec(spec);
  if (!m) {
    throw new CommandError(`--field "${spec}" must be TYPE[*]:QUESTION[:OPTION|OPTION…] (TYPE a field type, 15-31)`, EXIT.usage);
  }
  const options = m[4]?.split('|').map((s) => s.trim()).filter(Boolean);
  return { type: Number(m[1]), question: m[3] ?? '', ...(m[2] ? { required: true } : {}), ...(options && options.length > 0 ? { options } : {}) };
}

export async function formsListCommand(session: Session): Promise<number> {
  for (const f of await listForms(session)) {
    session.emit(f);
    session.say(formLine(f));
  }
  return EXIT.ok;
}

export async function formsAddCommand(session: Session, name: string, o: { field?: string[]; guests?: boolean; inactive?: boolean }): Promise<number> {
  const fields = (o.field ?? []).map(parseField);
  const body = { name, ...(fields.length > 0 ? { fields } : {}), ...(o.guests ? { allow_guests: true } : {}), ...(o.inactive ? { status: 0 } : {}) };
  const { data } = await session.client.api.POST('/workspaces/forms', { body: body as never });
  const f = data as unknown as Form;
  session.emit(f);
  session.say(`added form ${formLine(f)}`);
  return EXIT.ok;
}

export async function formsShowCommand(session: Session, ref: string): Promise<number> {
  const f = pick('form', await listForms(session), ref);
  session.emit(f);
  session.say(formLine(f));
  for (const field of [...f.fields].sort((a, b) => a.pos - b.pos)) {
    const c = field.content;
    const labels = Array.isArray(c.options) ? (c.options as Array<{ label?: unknown } | string>).map((x) => (typeof x === 'string' ? x : String(x.label ?? ''))) : [];
    const options = labels.length > 0 ? `\t${labels.join('|')}` : '';
    session.say(`field ${field.sequence}\t${field.type}\t${String(c.question ?? '')}${c.required === true ? '\trequired' : ''}${options}`);
  }
  return EXIT.ok;
}

/* Projects. */

async function listProjects(session: Session): Promise<Project[]> {
  return allPages(async (offset) => (await session.client.api.GET('/workspaces/projects', { params: { query: { limit: 100, offset } } })).data as unknown as Project[], 100);
}

const projectLine = (p: Project): string => `${p.id}\t${p.sequence}\t${p.status}\t${p.name}\t${p.launch_date ?? '-'}`;

export interface ProjectOptions {
  description?: string;
  sponsor?: string;
  owner?: string;
  status?: string;
  launch?: string;
}

export async function projectsListCommand(session: Session): Promise<number> {
  for (const p of await listProjects(session)) {
    session.emit(p);
    session.say(projectLine(p));
  }
  return EXIT.ok;
}

export async function projectsAddCommand(session: Session, name: string, o: ProjectOptions): Promise<number> {
  const [sponsor, owner] = await Promise.all([o.sponsor, o.owner].map(async (r) => (r === undefined ? undefined : (await userIds(session, [r]))[0])));
  const body = {
    name,
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(sponsor !== undefined ? { sponsor_id: sponsor } : {}),
    ...(owner !== undefined ? { owner_id: owner } : {}),
    ...(o.status !== undefined ? { status: o.status } : {}),
    ...(o.launch !== undefined ? { launch_date: o.launch } : {}),
  };
  const { data } = await session.client.api.POST('/workspaces/projects', { body: body as never });
  const p = data as unknown as Project;
  session.emit(p);
  session.say(`added project ${projectLine(p)}`);
  return EXIT.ok;
}

export async function projectsShowCommand(session: Session, ref: string): Promise<number> {
  const p = pick('project', await listProjects(session), ref);
  session.emit(p);
  if (!session.json) {
    const emails = new Map((await members(session)).map((m) => [m.user_id, m.user.email]));
    session.say(projectLine(p));
    session.say(`sponsor\t${p.sponsor_id ? (emails.get(p.sponsor_id) ?? p.sponsor_id) : '-'}`);
    session.say(`owner\t${p.owner_id ? (emails.get(p.owner_id) ?? p.owner_id) : '-'}`);
    session.say(`tasks\t${p.task_count}\t${p.completion}% done`);
  }
  return EXIT.ok;
}
