import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Asset } from '../sdk/client.js';
import { sha256File } from '../sdk/hash.js';
import { resolveAsset } from './assets-ref.js';
import { CommandError, EXIT } from './exit-codes.js';
import { collectInputs, localRelative, remoteIndex, remotePath, remoteSubfolders, walk } from './local-files.js';
import { humanBytes } from './progress.js';
import { normaliseFolder, type Session } from './session.js';
import { downloadJob, ensureFolders, ensureLocalDirs, removeLocal, runJobs, uploadJob, uploadJobs, type Outcome, type TransferOptions } from './transfer.js';

/* `atelier upload`, `download` and `sync`. */

function summary(session: Session, verb: string, o: Outcome, extra: Record<string, unknown> = {}): number {
  session.emit({ event: 'summary', [verb]: o.done, skipped: o.skipped, failed: o.failed, bytes: o.bytes, exit_code: o.exitCode, ...extra });
  if (!session.json) {
    process.stderr.write(`${verb} ${o.done}, skipped ${o.skipped}, failed ${o.failed} (${humanBytes(o.bytes)} sent/received)\n`);
  }
  if (o.exitCode === EXIT.interrupted) {
    process.stderr.write('atelier: interrupted; run the same command again to resume\n');
  }
  return o.exitCode;
}

export async function uploadCommand(session: Session, inputs: string[], opts: TransferOptions & { to: string }): Promise<number> {
  for (const input of inputs) {
    if (!existsSync(input)) {
      throw new CommandError(`no such file or folder: ${input}`, EXIT.usage);
    }
  }
  const to = normaliseFolder(opts.to);
  const { files, folders } = collectInputs(inputs, to);
  await ensureFolders(session, folders);
  const index = await remoteIndex(session, to);
  return summary(session, 'uploaded', await runJobs(session, uploadJobs(session, files, index, opts), opts));
}

/** What `download` targets: asset ids or paths, a folder (`/A/B/`), or a search query. */
async function downloadTargets(session: Session, targets: string[], dirs: string[]): Promise<Array<{ asset: Asset; rel: string }>> {
  const out: Array<{ asset: Asset; rel: string }> = [];
  for (const target of targets) {
    if (target.startsWith('/') && target.endsWith('/')) {
      const folder = normaliseFolder(target);
      const index = await remoteIndex(session, folder);
      const base = folder === '/' ? '' : basename(folder.slice(0, -1));
      // The folder layout comes along, empty folders included.
      dirs.push(base, ...(await remoteSubfolders(session, folder)).map((f) => join(base, localRelative(folder, f))));
      for (const [path, asset] of index) {
        out.push({ asset, rel: join(base, localRelative(folder, path)) });
      }
      continue;
    }
    const asset = await resolveAsset(session, target, { allowSearch: true });
    if (asset) {
      out.push({ asset, rel: asset.file_name });
      continue;
    }
    let any = false;
    for await (const found of session.client.searchAssets({ query: target })) {
      out.push({ asset: found, rel: found.file_name });
      any = true;
    }
    if (!any) {
      throw new CommandError(`nothing matches "${target}" (not an asset id, a path or a folder ending in /, and no search result)`, EXIT.notFound);
    }
  }
  return out;
}

export async function downloadCommand(session: Session, targets: string[], opts: TransferOptions & { to: string; version?: string | undefined }): Promise<number> {
  const dirs: string[] = [];
  const items = await downloadTargets(session, targets, dirs);
  ensureLocalDirs(resolve(opts.to), dirs);
  if (opts.version !== undefined && items.length !== 1) {
    throw new CommandError('--version needs exactly one asset', EXIT.usage);
  }
  const jobs = [];
  const taken = new Set<string>();
  const seen = new Set<string>();
  for (const { asset, rel: wanted } of items) {
    if (seen.has(asset.id)) {
      continue;
    }
    seen.add(asset.id);
    // Two assets of the same name from different folders (a search, several ids) must not share one local file.
    let rel = wanted;
    for (let n = 2; taken.has(rel.toLowerCase()); n++) {
      const dot = wanted.lastIndexOf('.');
      rel = dot > 0 ? `${wanted.slice(0, dot)} (${n})${wanted.slice(dot)}` : `${wanted} (${n})`;
    }
    taken.add(rel.toLowerCase());
    let versionId: string | undefined;
    let checksum: string | undefined;
    if (opts.version !== undefined) {
      const versions = (await session.client.api.GET('/workspaces/assets/{asset_id}/versions', { params: { path: { asset_id: asset.id } } })).data ?? [];
      const wanted = (versions as Array<{ id: string; version_number: number; checksum: string }>).find((v) => String(v.version_number) === opts.version || v.id === opts.version);
      if (!wanted) {
        throw new CommandError(`asset ${asset.id} has no version ${opts.version} (versions: ${versions.map((v) => v.version_number).join(', ')})`, EXIT.notFound);
      }
      versionId = wanted.id;
      checksum = wanted.checksum;
    }
    jobs.push(downloadJob(session, asset, resolve(opts.to, rel), versionId, checksum));
  }
  return summary(session, 'downloaded', await runJobs(session, jobs, opts));
}

interface SyncOptions extends TransferOptions {
  pull?: boolean;
  dryRun?: boolean;
  delete?: boolean;
}

/** Local files below `dir` by relative path with `/` separators. */
function localIndex(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of walk(dir, '/').files) {
    out.set(`${f.folder}${f.name}`, f.abs);
  }
  return out;
}

function localDirs(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && !e.name.startsWith('.')) {
        out.push(relative(dir, join(d, e.name)));
        visit(join(d, e.name));
      }
    }
  };
  visit(dir);
  return out;
}

export async function syncCommand(session: Session, localDir: string, folderArg: string, opts: SyncOptions): Promise<number> {
  const folder = normaliseFolder(folderArg);
  const dir = resolve(localDir);
  if (!opts.pull && !(existsSync(dir) && statSync(dir).isDirectory())) {
    throw new CommandError(`no such folder: ${localDir}`, EXIT.usage);
  }
  if (opts.pull && existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new CommandError(`${localDir} is not a folder`, EXIT.usage);
  }
  const remote = await remoteIndex(session, folder);
  const local = existsSync(dir) ? localIndex(dir) : new Map<string, string>();
  const plan: Array<{ action: 'upload' | 'download' | 'delete' | 'skip'; path: string; remote: string; reason: string }> = [];
  if (!opts.pull) {
    for (const [rel, abs] of local) {
      const target = `${folder}${rel.slice(1)}`;
      const asset = remote.get(target);
      const checksum = asset ? await sha256File(abs) : undefined;
      if (!asset) plan.push({ action: 'upload', path: abs, remote: target, reason: 'new' });
      else if (asset.currentVersion?.checksum !== checksum) plan.push({ action: 'upload', path: abs, remote: target, reason: 'changed' });
      else plan.push({ action: 'skip', path: abs, remote: target, reason: 'unchanged' });
    }
    if (opts.delete) {
      for (const [path, asset] of remote) {
        if (!local.has(`/${path.slice(folder.length)}`)) plan.push({ action: 'delete', path: join(dir, localRelative(folder, path)), remote: `${path} (${asset.id})`, reason: 'not in the local folder' });
      }
    }
  } else {
    for (const [path, asset] of remote) {
      const rel = `/${path.slice(folder.length)}`;
      const abs = local.get(rel) ?? join(dir, localRelative(folder, path));
      const have = local.has(rel) ? await sha256File(abs) : undefined;
      if (!have) plan.push({ action: 'download', path: abs, remote: path, reason: 'new' });
      else if (have !== asset.currentVersion?.checksum) plan.push({ action: 'download', path: abs, remote: path, reason: 'changed' });
      else plan.push({ action: 'skip', path: abs, remote: path, reason: 'unchanged' });
    }
    if (opts.delete) {
      for (const [rel, abs] of local) {
        if (!remote.has(`${folder}${rel.slice(1)}`)) plan.push({ action: 'delete', path: abs, remote: `${folder}${rel.slice(1)}`, reason: 'not on the server' });
      }
    }
  }
  const changes = plan.filter((p) => p.action !== 'skip');
  if (opts.dryRun) {
    for (const p of plan) {
      session.emit({ event: 'plan', dry_run: true, ...p });
      if (p.action !== 'skip') session.say(`would ${p.action} ${opts.pull || p.action === 'delete' ? '' : `${p.path} -> `}${p.action === 'delete' && opts.pull ? p.path : p.remote}`);
    }
    session.emit({ event: 'summary', dry_run: true, changes: changes.length, unchanged: plan.length - changes.length });
    if (!session.json) process.stderr.write(`dry run: ${changes.length} change(s), ${plan.length - changes.length} unchanged; nothing was changed\n`);
    return EXIT.ok;
  }
  let outcome: Outcome;
  let deleted = 0;
  if (!opts.pull) {
    await ensureFolders(session, [folder, ...localDirs(dir).map((d) => normaliseFolder(`${folder}${d.split(sep).join('/')}`))]);
    const files = plan
      .filter((p) => p.action === 'upload')
      .map((p) => {
        const rel = p.remote.slice(folder.length);
        const slash = rel.lastIndexOf('/');
        const st = statSync(p.path);
        return { abs: p.path, folder: normaliseFolder(`${folder}${slash >= 0 ? rel.slice(0, slash) : ''}`), name: slash >= 0 ? rel.slice(slash + 1) : rel, size: st.size, mtimeMs: st.mtimeMs };
      });
    outcome = await runJobs(session, uploadJobs(session, files, remote, opts), opts);
    const gone = plan.filter((p) => p.action === 'delete').map((p) => /\(([^)]+)\)$/.exec(p.remote)?.[1] as string);
    if (gone.length && outcome.exitCode === EXIT.ok) {
      for (let i = 0; i < gone.length; i += 500) {
        await session.client.api.DELETE('/workspaces/assets', { body: { ids: gone.slice(i, i + 500) } });
      }
      deleted = gone.length;
      for (const p of plan.filter((q) => q.action === 'delete')) {
        session.emit({ event: 'deleted', path: p.remote, where: 'server', to: 'trash' });
        session.say(`deleted ${p.remote} (moved to the trash)`);
      }
    }
  } else {
    ensureLocalDirs(dir, ['', ...(await remoteSubfolders(session, folder)).map((f) => localRelative(folder, f))]);
    const jobs = plan
      .filter((p) => p.action === 'download')
      .map((p) => downloadJob(session, remote.get(p.remote) as Asset, p.path));
    outcome = await runJobs(session, jobs, opts);
    if (outcome.exitCode === EXIT.ok) {
      for (const p of plan.filter((q) => q.action === 'delete')) {
        removeLocal(p.path);
        deleted++;
        session.emit({ event: 'deleted', path: p.path, where: 'local' });
        session.say(`deleted ${p.path}`);
      }
    }
  }
  return summary(session, opts.pull ? 'downloaded' : 'uploaded', outcome, { deleted });
}

export { remotePath };
