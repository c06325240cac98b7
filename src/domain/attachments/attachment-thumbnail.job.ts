import { Type } from '@sinclair/typebox';
import { makeAttachmentThumbnail } from './attachment-thumbnail.js';
import { defineJob } from '../../jobs/define.js';

/** A 256 px WebP of an image attachment; queued with the attachment row (domain/attachments). */
export const attachmentThumbnailJob = defineJob({
  name: 'attachment.thumbnail',
  payload: Type.Object({ workspace_id: Type.String(), attachment_id: Type.String() }),
  retry: { maxAttempts: 3, backoff: { baseSeconds: 15 } },
  timeoutSeconds: 600,
  priority: 60,
  handler: (ctx, payload) => makeAttachmentThumbnail(ctx, payload),
});
