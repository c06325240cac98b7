import { Type } from '@sinclair/typebox';
import { dispatchEvents } from './dispatch.service.js';
import { defineJob } from '../../jobs/define.js';

/**
 * Fans history events out to webhooks and subscribers (src/domain/events/dispatch.service.ts). Requested by every
 * recordHistory (unique key, so at most one waits), and every 30 s as a safety net.
 */
export const eventsDispatchJob = defineJob({
  name: 'events.dispatch',
  payload: Type.Object({}),
  schedule: { everySeconds: 30, payload: {} },
  priority: 50,
  retry: { maxAttempts: 10, backoff: { baseSeconds: 5, maxSeconds: 300 } },
  async handler(ctx) {
    const handled = await dispatchEvents(ctx);
    if (handled > 0) {
      ctx.log.debug({ handled }, 'events dispatched');
    }
  },
});
