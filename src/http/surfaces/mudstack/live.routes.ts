import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OutgoingHttpHeaders } from 'node:http';
import { LiveFeed, type LiveEvent, type LiveSubscriber } from '../../../domain/live/live-feed.js';
import { liveScopeOf, resumePosition, stillAllowed } from '../../../domain/live/live.service.js';
import { authenticateRequest, ctxOf } from '../../plugins/auth.js';
import { presentNotification } from './accounts.present.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { LIVE_STREAM_DESCRIPTION, LiveStreamBody, LiveStreamHeaders } from './live.schemas.js';
import { presentWorkspaceHistory } from './workspaces.present.js';

const tags = ['Workspaces'];

/** A comment line this often keeps proxies and the browser from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** A client that reads slower than events come is dropped (it reconnects and resumes) rather than buffered for. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One server-sent event: `event`, `id`, and the JSON on one `data` line (JSON has no raw newlines). */
export function sseFrame(event: string, id: string | null, data: unknown): string {
  return `event: ${event}\n${id === null ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

function presentLive(e: LiveEvent): unknown {
  return e.kind === 'history' ? { ...presentWorkspaceHistory(e.row), asset_id: e.row.asset_id, sequence: e.row.sequence } : presentNotification(e.row);
}

/** GET /workspaces/events/stream: the live event stream (docs/live-updates.md). */
export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const feed = new LiveFeed(app.deps);
  const enders = new Set<() => void>();
  // Before the server waits for its connections to finish: an open stream never finishes by itself.
  app.addHook('preClose', (done) => {
    feed.close();
    for (const end of [...enders]) {
      end();
    }
    done();
  });

  app.get(
    '/workspaces/events/stream',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Live events of the current workspace and your notifications (server-sent events)',
        description: LIVE_STREAM_DESCRIPTION,
        headers: LiveStreamHeaders,
        response: { 200: LiveStreamBody, ...authErrors, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const scope = liveScopeOf(ctxOf(request));
      const resume = resumePosition(request.headers['last-event-id']);
      const raw = reply.raw;
      let started = false;
      let ended = false;
      const early: string[] = [];
      const write = (text: string) => {
        if (ended) {
          return;
        }
        if (!started) {
          early.push(text);
          return;
        }
        raw.write(text);
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          end();
        }
      };
      const sub: LiveSubscriber = {
        ...scope,
        send: (e, id) => write(sseFrame(e.kind, id, presentLive(e))),
        reset: (id) => write(sseFrame('reset', id, {})),
      };
      // Joining may refuse (too many streams): that is still an ordinary error answer.
      const { id, leave } = await feed.join(sub, resume);
      let heartbeat: NodeJS.Timeout | undefined;
      let recheck: NodeJS.Timeout | undefined;
      function end() {
        if (ended) {
          return;
        }
        ended = true;
        clearInterval(heartbeat);
        clearInterval(recheck);
        enders.delete(end);
        leave();
        raw.end();
        // The socket goes with the stream (a closing server must not wait for it; nobody reuses it).
        const socket = request.raw.socket as { destroySoon?: () => void } | null;
        socket?.destroySoon?.();
      }
      enders.add(end);
      raw.on('close', end);

      void reply.hijack();
      if (raw.destroyed) {
        end(); // the client left while the stream was being set up
        return;
      }
      raw.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // nginx and similar proxies: pass events through as they come.
        'x-accel-buffering': 'no',
        // The socket closes with the stream, so a server draining for shutdown has no kept-alive connection to wait for.
        connection: 'close',
      });
      started = true;
      // How long an SSE client waits before reconnecting.
      write('retry: 2000\n\n');
      for (const text of early.splice(0)) {
        write(text);
      }
      write(sseFrame('ready', id, { workspace_id: scope.workspaceId, user_id: scope.userId }));

      heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      // The caller's credential and membership are looked at again (LIVE_RECHECK_SECONDS): the stream ends when they no
      // longer hold (signed out, key revoked, token expired, removed from the workspace).
      recheck = setInterval(() => {
        authenticateRequest(app, request).then(
          () => !stillAllowed(request.actor, scope) && end(),
          () => end(),
        );
      }, app.deps.config.http.liveRecheckSeconds * 1000);
      recheck.unref();
    },
  );
};
