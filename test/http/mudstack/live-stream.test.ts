import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { test } from 'node:test';
import sharp from 'sharp';
import { setUserPassword } from '../../../src/domain/auth/passwords.service.js';
import { recordHistory } from '../../../src/domain/history/history.service.js';
import { describeEachDatabase, type TestApp } from '../../harness/app.js';
import type { Tenant } from '../../harness/factories.js';
import { wsStatuses } from '../workstream/fixtures.js';

/*
 * GET /workspaces/events/stream over a real socket (docs/live-updates.md): what a member receives when others change
 * things, what they never receive (another workspace's events, another user's notifications), resuming with
 * Last-Event-ID, the refusals, the per-user cap, and that closing the server ends open streams. Every wait is bounded.
 */

interface SseEvent {
  event: string;
  id: string | null;
  data: any;
}

/**
 * A GET on its own connection (`agent: false`, `Connection: close`): a pooled kept-alive client connection would
 * keep the server's close waiting, which is the client's doing, not the stream's.
 */
function get(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, agent: false }, resolve);
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.end();
  });
}

async function json(res: IncomingMessage): Promise<any> {
  let text = '';
  for await (const chunk of res) {
    text += String(chunk);
  }
  return JSON.parse(text);
}

/** A stream read frame by frame; `next` waits (bounded) for the first event that matches. */
class Stream {
  private buffer = '';
  private readonly queue: SseEvent[] = [];
  private waiter: (() => void) | null = null;
  ended = false;
  constructor(readonly res: IncomingMessage) {
    res.setTimeout(0);
    void this.pump();
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  private async pump(): Promise<void> {
    this.res.setEncoding('utf8');
    try {
      for await (const chunk of this.res) {
        this.buffer += String(chunk);
        let cut: number;
        while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
          const frame = this.buffer.slice(0, cut);
          this.buffer = this.buffer.slice(cut + 2);
          const e: SseEvent = { event: 'message', id: null, data: undefined };
          for (const line of frame.split('\n')) {
            if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
          }
          if (e.data !== undefined) {
            this.queue.push(e);
          }
        }
        this.waiter?.();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.waiter?.();
  }

  /** The first queued event matching `pick` (earlier ones are dropped); fails after `ms`. */
  async next(pick: (e: SseEvent) => boolean, ms = 15_000, what = 'an event'): Promise<SseEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      while (this.queue.length > 0) {
        const e = this.queue.shift()!;
        if (pick(e)) {
          return e;
        }
      }
      if (this.ended) {
        throw new Error(`the stream ended before ${what}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${what} within ${ms} ms`);
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.waiter = null;
    }
  }

  /** Events already received, without waiting. */
  drain(): SseEvent[] {
    return this.queue.splice(0);
  }

  close(): void {
    this.res.destroy();
  }
}

describeEachDatabase('live event stream (GET /workspaces/events/stream)', (t: TestApp) => {
  let base: string;
  let ada: Tenant;
  let bo: Tenant;
  let other: Tenant;
  let assetId: string;
  const open: Stream[] = [];

  async function connect(who: Tenant, headers: Record<string, string> = {}): Promise<Stream> {
    const s = new Stream(await get(`${base}/workspaces/events/stream`, { ...who.headers, ...headers }));
    open.push(s);
    return s;
  }

  async function upload(who: Tenant, name: string): Promise<string> {
    const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: '#3060c0' } }).png().toBuffer();
    const res = await t.req('POST', '/workspaces/assets', {
      headers: { ...who.headers, 'content-type': 'application/octet-stream' },
      query: { file_name: name, file_location: '/Live/' },
      payload: png,
    });
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  }

  test('setup: a listening server, two members of one workspace and another tenant', async () => {
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    ada = await t.factory.tenant();
    bo = await t.factory.member(ada, { workspace: 'viewer' });
    other = await t.factory.tenant();
    assetId = await upload(ada, 'sketch.png');
    await t.jobs.runUntilIdle();
  });

  test('refuses without credentials (401), with another tenant\'s workspace (403) and a bad Last-Event-ID (400)', async () => {
    const none = await get(`${base}/workspaces/events/stream`, {});
    assert.equal(none.statusCode, 401);
    assert.equal((await json(none)).error.code, 'unauthenticated');
    const cross = await get(`${base}/workspaces/events/stream`, { ...bo.headers, 'x-workspace-id': other.workspaceId });
    assert.equal(cross.statusCode, 403);
    assert.equal((await json(cross)).error.code, 'workspace_forbidden');
    const bad = await get(`${base}/workspaces/events/stream`, { ...bo.headers, 'last-event-id': 'yesterday' });
    assert.equal(bad.statusCode, 400);
    assert.equal((await json(bad)).error.code, 'validation_failed');
  });

  test('a member receives the workspace\'s changes and their own notifications, nothing of other tenants or users', async () => {
    const s = await connect(bo);
    assert.equal(s.status, 200);
    assert.match(s.res.headers['content-type'] ?? '', /^text\/event-stream/);
    const ready = await s.next((e) => e.event === 'ready', 15_000, 'ready');
    assert.deepEqual(ready.data, { workspace_id: ada.workspaceId, user_id: bo.userId });
    assert.match(ready.id ?? '', /^\d+\.\d+$/);

    // Another tenant's change first, then one in Bo's workspace: the first event Bo gets must be the second.
    const foreign = await upload(other, 'elsewhere.png');
    const comment = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: ada.headers, json: { content: `Look @[${bo.userId}]` } });
    assert.equal(comment.status, 201, comment.text);

    const first = await s.next((e) => e.event === 'history', 15_000, 'a history event');
    assert.equal(first.data.type, 'comment_created');
    assert.equal(first.data.asset_id, assetId);
    assert.equal(first.data.workspace_id, ada.workspaceId);
    assert.equal(first.data.user_id, ada.userId);
    assert.equal(typeof first.data.sequence, 'number');
    assert.match(first.id ?? '', /^\d+\.\d+$/);

    const note = await s.next((e) => e.event === 'notification', 15_000, 'the mention notification');
    assert.equal(note.data.type, 'mention');
    assert.equal(note.data.user_id, bo.userId);
    assert.equal(note.data.account_id, ada.accountId);
    assert.equal(note.data.read_at, null);
    assert.equal(note.data.data.asset_id, assetId);

    // Ada's own notification (Bo mentions her) goes to Ada's stream, not to Bo's.
    const adaStream = await connect(ada);
    await adaStream.next((e) => e.event === 'ready');
    const reply = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: bo.headers, json: { content: `Thanks @[${ada.userId}]` } });
    assert.equal(reply.status, 201, reply.text);
    const adaNote = await adaStream.next((e) => e.event === 'notification', 15_000, 'Ada\'s mention');
    assert.equal(adaNote.data.user_id, ada.userId);
    await s.next((e) => e.event === 'history' && e.data.type === 'comment_created' && e.data.user_id === bo.userId, 15_000, 'Bo\'s own comment');
    const seen = s.drain();
    assert.deepEqual(seen.filter((e) => e.event === 'notification'), [], 'Bo got no one else\'s notification');
    assert.ok(![...seen].some((e) => JSON.stringify(e.data).includes(foreign) || JSON.stringify(e.data).includes(other.workspaceId)));
    s.close();
    adaStream.close();
  });

  test('thumbnails: derivatives_ready arrives when the jobs have made them', async () => {
    const s = await connect(bo);
    await s.next((e) => e.event === 'ready');
    const id = await upload(ada, 'fresh.png');
    const created = await s.next((e) => e.event === 'history' && e.data.asset_id === id, 15_000, 'the upload');
    assert.ok(['asset_created', 'version_created'].includes(created.data.type), created.data.type);
    await t.jobs.runUntilIdle();
    const ready = await s.next((e) => e.event === 'history' && e.data.type === 'derivatives_ready' && e.data.asset_id === id, 15_000, 'derivatives_ready');
    assert.equal(ready.data.data.states.thumbnail, 'ready');
    const thumb = await t.req('GET', `/workspaces/assets/${id}/versions/${ready.data.data.version_id}/derivatives/thumbnail`, { headers: bo.headers });
    assert.equal(thumb.status, 200);
    s.close();
  });

  test('Last-Event-ID: a reconnecting client first gets what happened while it was away', async () => {
    const s = await connect(bo);
    const ready = await s.next((e) => e.event === 'ready');
    s.close();
    const lock = await t.req('POST', `/workspaces/assets/${assetId}/lock`, { headers: ada.headers });
    assert.equal(lock.status, 200, lock.text);
    const status = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: ada.headers, json: { content: `Locked it, @[${bo.userId}]` } });
    assert.equal(status.status, 201);

    // What it missed comes first, in order (the server may still be reading the newest rows when it says `ready`).
    const again = await connect(bo, { 'last-event-id': ready.id! });
    const missed: SseEvent[] = [];
    const want = ['history:asset_locked', 'history:comment_created', 'notification:mention'];
    while (!want.every((w) => missed.some((e) => `${e.event}:${e.data.type}` === w))) {
      const e = await again.next((x) => x.event !== 'ready', 15_000, `the missed events (got ${missed.map((x) => x.data.type).join(', ')})`);
      missed.push(e);
    }
    const types = missed.map((e) => `${e.event}:${e.data.type}`);
    assert.ok(types.includes('history:asset_locked'), types.join(', '));
    assert.ok(types.includes('history:comment_created'), types.join(', '));
    assert.ok(types.includes('notification:mention'), types.join(', '));
    // Ids only grow, so the last one is where to resume next.
    const ids = missed.map((e) => e.id!.split('.').map(Number));
    for (let i = 1; i < ids.length; i++) {
      assert.ok(ids[i]![0]! >= ids[i - 1]![0]! && ids[i]![1]! >= ids[i - 1]![1]!, `ids grow: ${missed.map((e) => `${e.id} ${e.event}:${e.data.type}`).join(', ')}`);
    }
    // Nothing is sent twice: a fresh reconnect from the last id gets no replay.
    const last = await connect(bo, { 'last-event-id': missed[missed.length - 1]!.id! });
    const first = await last.next(() => true, 15_000, 'ready');
    assert.equal(first.event, 'ready');
    again.close();
    last.close();
    await t.req('DELETE', `/workspaces/assets/${assetId}/lock`, { headers: ada.headers });
  });

  test('a draft task\'s events reach only its creator: the stream, GET /workspaces/history and the asset\'s history', async () => {
    await wsStatuses(t, ada); // the workspace's Workstream statuses, Draft among them
    const ed = await t.factory.member(ada, { workspace: 'editor' });
    const edStream = await connect(ed);
    const adaStream = await connect(ada);
    await edStream.next((e) => e.event === 'ready');
    await adaStream.next((e) => e.event === 'ready');
    const draft = await t.req('POST', `/workspaces/assets/${assetId}/tasks`, { headers: ed.headers, json: { title: 'Secret draft', status: 'Draft' } });
    assert.equal(draft.status, 200, draft.text);
    // A later change both may see marks how far each stream has read.
    const marker = await t.req('POST', `/workspaces/assets/${assetId}/comments`, { headers: ada.headers, json: { content: 'After the draft' } });
    assert.equal(marker.status, 201, marker.text);
    const until = async (s: Stream) => {
      const seen: SseEvent[] = [];
      await s.next((e) => (seen.push(e), e.data?.type === 'comment_created' && e.data?.record_id === marker.body.id), 15_000, 'the marker comment');
      return seen.filter((e) => e.event === 'history' && e.data.record_id === draft.body.id).map((e) => e.data.type);
    };
    assert.deepEqual(await until(edStream), ['task_created']);
    assert.deepEqual(await until(adaStream), [], 'the admin is not the draft\'s creator');
    edStream.close();
    adaStream.close();

    const taskEvents = async (who: Tenant, path: string) => {
      const res = await t.req('GET', path, { headers: who.headers, query: { limit: '100' } });
      assert.equal(res.status, 200, res.text);
      const items = (Array.isArray(res.body) ? res.body : res.body.items ?? res.body.data) as Array<{ record_id: string; type: string }>;
      return items.filter((h) => h.record_id === draft.body.id).map((h) => h.type);
    };
    for (const path of ['/workspaces/history', `/workspaces/assets/${assetId}/history`]) {
      assert.deepEqual(await taskEvents(ed, path), ['task_created'], path);
      assert.deepEqual(await taskEvents(ada, path), [], path);
      assert.deepEqual(await taskEvents(bo, path), [], path);
    }
    // Out of draft, the task and its history are everyone's.
    const statuses = await wsStatuses(t, ada);
    const open = await t.deps.db.selectFrom('task_statuses').select('id').where('sequence', '=', statuses['Pending']!.id).executeTakeFirstOrThrow();
    const moved = await t.req('PATCH', `/workspaces/tasks/${draft.body.id}`, { headers: ed.headers, json: { status_id: open.id } });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual((await taskEvents(bo, '/workspaces/history')).sort(), ['task_created', 'task_updated']);
  });

  test('at most 8 streams per user; the 9th is 429 too_many_streams', async () => {
    const streams: Stream[] = [];
    for (let i = 0; i < 8; i++) {
      const s = await connect(ada);
      assert.equal(s.status, 200);
      await s.next((e) => e.event === 'ready');
      streams.push(s);
    }
    const ninth = await get(`${base}/workspaces/events/stream`, ada.headers);
    assert.equal(ninth.statusCode, 429);
    assert.equal((await json(ninth)).error.code, 'too_many_streams');
    assert.equal(ninth.headers['retry-after'], '5');
    // Bo is not counted with Ada.
    const bos = await connect(bo);
    assert.equal(bos.status, 200);
    streams.forEach((s) => s.close());
    bos.close();
    // A closed stream frees its place (the server sees the socket close).
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const again = await connect(ada);
      status = again.status;
      again.close();
    }
    assert.equal(status, 200);
  });

  test('closing the server ends open streams at once (it never waits for them)', async () => {
    const s = await connect(bo);
    await s.next((e) => e.event === 'ready');
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      t.app.close().then(() => 'closed'),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('still open'), 5000);
      }),
    ]);
    clearTimeout(timer);
    assert.equal(closed, 'closed');
    assert.ok(Date.now() - started < 5000);
    await s.next(() => false, 5000).catch((err: Error) => assert.match(err.message, /ended/));
    assert.equal(s.ended, true);
    open.forEach((x) => x.close());
  });
});

describeEachDatabase(
  'live event stream: it ends when the caller may no longer read it (LIVE_RECHECK_SECONDS=0.3)',
  (t: TestApp) => {
    let base: string;
    let ada: Tenant;

    test('setup', async () => {
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      ada = await t.factory.tenant();
    });

    test('a member removed from the workspace: their stream ends, and a new one is refused', async () => {
      const bo = await t.factory.member(ada, { workspace: 'viewer' });
      const s = new Stream(await get(`${base}/workspaces/events/stream`, bo.headers));
      await s.next((e) => e.event === 'ready');
      const removed = await t.req('DELETE', `/workspaces/members/${bo.userId}`, { headers: ada.headers });
      assert.equal(removed.status, 200, removed.text);
      await assert.rejects(s.next(() => false, 5000), /ended/);
      const again = await get(`${base}/workspaces/events/stream`, bo.headers);
      assert.equal(again.statusCode, 403);
      await json(again);
    });

    test('a browser session signed out: its stream ends', async () => {
      const cy = await t.factory.member(ada, { workspace: 'editor' });
      await setUserPassword(t.deps, { email: cy.email, password: 'studio password 1' });
      const signIn = await t.req('POST', '/auth/sessions', { json: { email: cy.email, password: 'studio password 1' } });
      assert.equal(signIn.status, 200, signIn.text);
      const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
      const tenancy = { 'x-account-id': ada.accountId, 'x-workspace-id': ada.workspaceId };
      const s = new Stream(await get(`${base}/workspaces/events/stream`, { cookie, ...tenancy }));
      assert.equal(s.status, 200);
      await s.next((e) => e.event === 'ready');
      const out = await t.req('DELETE', '/auth/session', { headers: { cookie, 'x-csrf-token': signIn.body.csrf_token } });
      assert.equal(out.status, 204, out.text);
      await assert.rejects(s.next(() => false, 5000), /ended/);
    });
  },
  { LIVE_RECHECK_SECONDS: '0.3' },
);

describeEachDatabase('live event stream: order across concurrent writers', (t: TestApp) => {
  test('PostgreSQL: an event whose transaction commits after a later one still arrives, and first', async (ctx) => {
    if (t.kind !== 'postgres') {
      ctx.skip('SQLite has one writer at a time: sequences become visible in order');
      return;
    }
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const ada = await t.factory.tenant();
    const s = new Stream(await get(`${base}/workspaces/events/stream`, ada.headers));
    await s.next((e) => e.event === 'ready');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted: () => void = () => {};
    const wrote = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // A transaction takes the next sequence and stays open while a later change commits (as a slow request would).
    const slow = t.deps.db.transaction().execute(async (trx) => {
      await recordHistory({ db: trx, clock: t.clock }, { accountId: ada.accountId, workspaceId: ada.workspaceId, userId: ada.userId, subjectType: 'workspace', recordId: ada.workspaceId, type: 'slow_change' });
      inserted();
      await held;
    });
    await wrote;
    const tag = await t.req('POST', '/workspaces/tags', { headers: ada.headers, json: { name: 'quick' } });
    assert.ok([200, 201].includes(tag.status), tag.text);
    // The later change is visible now; the tailer polls (1 s) and must hold it back behind the open gap.
    await new Promise((r) => setTimeout(r, 1500));
    release();
    await slow;
    const first = await s.next((e) => e.event === 'history', 15_000, 'the first event');
    const second = await s.next((e) => e.event === 'history', 15_000, 'the second event');
    assert.deepEqual([first.data.type, second.data.type], ['slow_change', 'tag_created']);
    assert.ok(first.data.sequence < second.data.sequence);
    s.close();
  });
});
