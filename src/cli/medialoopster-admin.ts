import { CommandError, EXIT } from './exit-codes.js';
import { isUuid, type Session } from './session.js';

/*
 * Commands for administrators of the medialoopster surface (docs/cli.md, "Medialoopster administration"): devices
 * and production settings of the profile's workspace, and the account's custom metadata, all through the core API
 * (docs/medialoopster.md). The server checks the caller's role; the commands only translate names to ids.
 */

interface Device {
  id: string;
  sequence: number;
  name: string;
  display_name: string;
  path: string;
  is_internal: boolean;
  is_archive: boolean;
  autoshot_detection: boolean;
  allow_direct_writing: boolean;
  recieve_xml_meta: boolean;
  protocol: string;
  server: string;
  username: string;
  transcoding_profile: string;
  archive_connector: string;
  passthrough_profiles: string[];
}

/** The device options of `devices add` and `devices edit`, as commander parses them. */
export interface DeviceOptions {
  name?: string;
  path?: string;
  displayName?: string;
  internal?: boolean;
  archive?: boolean;
  autoshot?: boolean;
  directWriting?: boolean;
  xmlMeta?: boolean;
  protocol?: string;
  anonymous?: boolean;
  server?: string;
  username?: string;
  transcodingProfile?: string;
  archiveConnector?: string;
  passthroughProfile?: string[];
}

function deviceBody(o: DeviceOptions): Record<string, unknown> {
  const pairs: Array<[string, unknown]> = [
    ['name', o.name],
    ['path', o.path],
    ['display_name', o.displayName],
    ['is_internal', o.internal],
    ['is_archive', o.archive],
    ['autoshot_detection', o.autoshot],
    ['allow_direct_writing', o.directWriting],
    ['recieve_xml_meta', o.xmlMeta],
    ['protocol', o.protocol],
    ['anonymous', o.anonymous],
    ['server', o.server],
    ['username', o.username],
    ['transcoding_profile', o.transcodingProfile],
    ['archive_connector', o.archiveConnector],
    ['passthrough_profiles', o.passthroughProfile],
  ];
  return Object.fromEntries(pairs.filter(([, v]) => v !== undefined));
}

const flags = (d: Device): string =>
  [d.is_internal && 'internal', d.is_archive && 'archive', d.autoshot_detection && 'autoshot', d.allow_direct_writing && 'direct-writing', d.recieve_xml_meta && 'xml-meta']
    .filter(Boolean)
    .join(',') || '-';

function sayDevice(session: Session, verb: string, d: Device): void {
  session.emit(d);
  session.say(`${verb}${d.id}\t${d.name}\t${d.path}\t${d.protocol}\t${flags(d)}`);
}

async function listDevices(session: Session): Promise<Device[]> {
  const { data } = await session.client.api.GET('/workspaces/devices');
  return (data ?? []) as unknown as Device[];
}

/** A device by id, name or path (`/Store/` or `/Store`). */
async function findDevice(session: Session, ref: string): Promise<Device> {
  const devices = await listDevices(session);
  const path = `/${ref.split('/').filter(Boolean).join('/')}/`;
  const found = devices.find((d) => d.id === ref) ?? devices.find((d) => d.name === ref) ?? (ref.startsWith('/') ? devices.find((d) => d.path === path) : undefined);
  if (!found) {
    throw new CommandError(`no device "${ref}" in this workspace (${devices.map((d) => d.name).join(', ') || 'none'})`, EXIT.notFound);
  }
  return found;
}

export async function devicesListCommand(session: Session): Promise<number> {
  for (const d of await listDevices(session)) {
    sayDevice(session, '', d);
  }
  return EXIT.ok;
}

export async function devicesAddCommand(session: Session, name: string, path: string, o: DeviceOptions): Promise<number> {
  const { data } = await session.client.api.POST('/workspaces/devices', { body: { ...deviceBody(o), name, path } as never });
  sayDevice(session, 'added ', data as unknown as Device);
  return EXIT.ok;
}

export async function devicesEditCommand(session: Session, ref: string, o: DeviceOptions): Promise<number> {
  const body = deviceBody(o);
  if (Object.keys(body).length === 0) {
    throw new CommandError('nothing to change: pass at least one option (see `atelier devices edit --help`)', EXIT.usage);
  }
  const device = await findDevice(session, ref);
  const { data } = await session.client.api.PATCH('/workspaces/devices/{device_id}', { params: { path: { device_id: device.id } }, body: body as never });
  sayDevice(session, 'changed ', data as unknown as Device);
  return EXIT.ok;
}

export async function devicesRemoveCommand(session: Session, ref: string): Promise<number> {
  const device = await findDevice(session, ref);
  await session.client.api.DELETE('/workspaces/devices/{device_id}', { params: { path: { device_id: device.id } } });
  session.emit({ id: device.id, name: device.name, path: device.path, removed: true });
  session.say(`removed device ${device.name} (${device.path}, ${device.id})`);
  return EXIT.ok;
}

/* Production settings. */

type Settings = Record<string, unknown> & { workspace_id: string };

const DEVICE_SLOTS = ['upload_device_id', 'audioasset_device_id', 'imageasset_device_id', 'videoasset_device_id', 'projectasset_device_id'] as const;

/** The options of `production set`, as commander parses them. */
export interface ProductionOptions {
  codename?: string;
  company?: string;
  storageRoot?: string;
  proxyRoot?: string;
  sanMount?: string;
  exportType?: string;
  defaultApproval?: string;
  uploadDevice?: string;
  audioDevice?: string;
  imageDevice?: string;
  videoDevice?: string;
  projectDevice?: string;
}

async function saySettings(session: Session, s: Settings): Promise<void> {
  session.emit(s);
  if (session.json) {
    return;
  }
  const names = new Map((await listDevices(session)).map((d) => [d.id, `${d.name} (${d.path})`]));
  for (const [k, v] of Object.entries(s)) {
    const shown = (DEVICE_SLOTS as readonly string[]).includes(k) && typeof v === 'string' ? (names.get(v) ?? v) : v === null ? '-' : String(v);
    session.say(`${k.padEnd(24)}${shown === '' ? '-' : shown}`);
  }
}

export async function productionShowCommand(session: Session): Promise<number> {
  const { data } = await session.client.api.GET('/workspaces/production');
  await saySettings(session, data as unknown as Settings);
  return EXIT.ok;
}

export async function productionSetCommand(session: Session, o: ProductionOptions): Promise<number> {
  const body: Record<string, unknown> = {};
  const text: Array<[string, string | undefined]> = [
    ['codename', o.codename],
    ['company', o.company],
    ['storage_root', o.storageRoot],
    ['proxy_root', o.proxyRoot],
    ['san_mount', o.sanMount],
    ['export_type', o.exportType],
  ];
  for (const [k, v] of text) {
    if (v !== undefined) body[k] = v;
  }
  if (o.defaultApproval !== undefined) {
    if (o.defaultApproval !== '0' && o.defaultApproval !== '1') {
      throw new CommandError(`--default-approval must be 0 (pending) or 1 (approved), not "${o.defaultApproval}"`, EXIT.usage);
    }
    body.default_approval_status = Number(o.defaultApproval);
  }
  const devices: Array<[string, string | undefined]> = [
    ['upload_device_id', o.uploadDevice],
    ['audioasset_device_id', o.audioDevice],
    ['imageasset_device_id', o.imageDevice],
    ['videoasset_device_id', o.videoDevice],
    ['projectasset_device_id', o.projectDevice],
  ];
  for (const [k, ref] of devices) {
    if (ref !== undefined) body[k] = ref === 'none' ? null : (await findDevice(session, ref)).id;
  }
  if (Object.keys(body).length === 0) {
    throw new CommandError('nothing to change: pass at least one option (see `atelier production set --help`)', EXIT.usage);
  }
  const { data } = await session.client.api.PATCH('/workspaces/production', { body: body as never });
  await saySettings(session, data as unknown as Settings);
  return EXIT.ok;
}

/* Custom metadata of the account. */

interface Named {
  id: string;
  sequence: number;
  name: string;
}
interface CustomMetadata {
  sets: Array<Named & { content_type: string }>;
  rules: Array<Named & { regex: string; message: string }>;
  fields: Array<{ id: string; sequence: number; set_id: string; key: string; value: string; order: number; rule_id: string | null }>;
}

async function customMetadata(session: Session): Promise<CustomMetadata> {
  const { data } = await session.client.api.GET('/accounts/custom-metadata');
  return data as unknown as CustomMetadata;
}

function byIdOrName<T extends Named>(kind: string, items: T[], ref: string): T {
  const found = items.find((i) => i.id === ref) ?? items.find((i) => i.name === ref);
  if (!found) {
    throw new CommandError(`no custom metadata ${kind} "${ref}" (${items.map((i) => i.name).join(', ') || 'none'})`, EXIT.notFound);
  }
  return found;
}

export async function customMetadataListCommand(session: Session): Promise<number> {
  const all = await customMetadata(session);
  const setName = new Map(all.sets.map((s) => [s.id, s.name]));
  const ruleName = new Map(all.rules.map((r) => [r.id, r.name]));
  for (const s of all.sets) {
    session.emit({ kind: 'set', ...s });
    session.say(`set\t${s.id}\t${s.name}\t${s.content_type}`);
  }
  for (const r of all.rules) {
    session.emit({ kind: 'rule', ...r });
    session.say(`rule\t${r.id}\t${r.name}\t/${r.regex}/${r.message ? `\t${r.message}` : ''}`);
  }
  for (const f of all.fields) {
    session.emit({ kind: 'field', ...f });
    session.say(`field\t${f.id}\t${f.key}\t${f.value}\tset ${setName.get(f.set_id) ?? f.set_id}${f.rule_id ? `\trule ${ruleName.get(f.rule_id) ?? f.rule_id}` : ''}`);
  }
  return EXIT.ok;
}

export async function customMetadataAddSetCommand(session: Session, name: string, o: { type: string }): Promise<number> {
  const { data } = await session.client.api.POST('/accounts/custom-metadata/sets', { body: { name, content_type: o.type } as never });
  const s = data as unknown as Named & { content_type: string };
  session.emit({ kind: 'set', ...s });
  session.say(`added set ${s.name} (${s.content_type}, ${s.id})`);
  return EXIT.ok;
}

export async function customMetadataAddRuleCommand(session: Session, name: string, regex: string, o: { message?: string }): Promise<number> {
  const { data } = await session.client.api.POST('/accounts/custom-metadata/rules', { body: { name, regex, ...(o.message !== undefined ? { message: o.message } : {}) } as never });
  const r = data as unknown as Named & { regex: string };
  session.emit({ kind: 'rule', ...r });
  session.say(`added rule ${r.name} /${r.regex}/ (${r.id})`);
  return EXIT.ok;
}

export async function customMetadataAddFieldCommand(
  session: Session,
  setRef: string,
  key: string,
  value: string,
  o: { order?: number; rule?: string },
): Promise<number> {
  // Ids are passed through as they are (the server answers 404 for one not of this account); names are looked up.
  const needsLookup = !isUuid(setRef) || (o.rule !== undefined && !isUuid(o.rule));
  const all = needsLookup ? await customMetadata(session) : undefined;
  const setId = isUuid(setRef) || !all ? setRef : byIdOrName('set', all.sets, setRef).id;
  const ruleId = o.rule === undefined ? undefined : isUuid(o.rule) || !all ? o.rule : byIdOrName('rule', all.rules, o.rule).id;
  const { data } = await session.client.api.POST('/accounts/custom-metadata/fields', {
    body: { set_id: setId, key, value, ...(o.order !== undefined ? { order: o.order } : {}), ...(ruleId !== undefined ? { rule_id: ruleId } : {}) } as never,
  });
  const f = data as unknown as { id: string; key: string; value: string };
  session.emit({ kind: 'field', ...f });
  session.say(`added field ${f.key} "${f.value}" (${f.id})`);
  return EXIT.ok;
}

export async function customMetadataRemoveFieldCommand(session: Session, ref: string): Promise<number> {
  let id = ref;
  if (!isUuid(ref)) {
    const field = (await customMetadata(session)).fields.find((f) => f.key === ref);
    if (!field) {
      throw new CommandError(`no custom metadata field with key "${ref}"`, EXIT.notFound);
    }
    id = field.id;
  }
  await session.client.api.DELETE('/accounts/custom-metadata/fields/{field_id}', { params: { path: { field_id: id } } });
  session.emit({ kind: 'field', id, removed: true });
  session.say(`removed field ${ref}${ref === id ? '' : ` (${id})`}`);
  return EXIT.ok;
}
