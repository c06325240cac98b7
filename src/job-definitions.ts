import type { AnyJobDefinition } from './jobs/define.js';
import { jobsPruneJob } from './jobs/jobs-prune.job.js';
import { attachmentThumbnailJob } from './domain/attachments/attachment-thumbnail.job.js';
import { blobsSweepJob } from './domain/blob-sweep/blobs-sweep.job.js';
import { approvalEmailJob } from './domain/email/approval-email.job.js';
import { emailSendJob } from './domain/email/email-send.job.js';
import { inviteEmailJob } from './domain/email/invite-email.job.js';
import { eventsDispatchJob } from './domain/events/events-dispatch.job.js';
import { derivativePageJob } from './domain/media/derivative-page.job.js';
import { derivativePosterJob } from './domain/media/derivative-poster.job.js';
import { derivativePreviewJob } from './domain/media/derivative-preview.job.js';
import { derivativeProxyJob } from './domain/media/derivative-proxy.job.js';
import { derivativeThumbnailJob } from './domain/media/derivative-thumbnail.job.js';
import { derivativeWaveformJob } from './domain/media/derivative-waveform.job.js';
import { mediaProbeJob } from './domain/media/media-probe.job.js';
import { processingTaskJob } from './domain/processing/processing-task.job.js';
import { shotsDetectJob } from './domain/media-assets/shots-detect.job.js';
import { assetsDeleteScheduledJob } from './domain/media-assets/assets-delete-scheduled.job.js';
import { tasksRemindDueJob } from './domain/tasks/tasks-remind-due.job.js';
import { proofGenerateJob } from './domain/proofs/proof-generate.job.js';
import { trashPurgeExpiredJob } from './domain/trash/trash-purge-expired.job.js';
import { importRunJob } from './domain/uploads/import-run.job.js';
import { uploadsExpireJob } from './domain/uploads/uploads-expire.job.js';
import { webhookDeliverJob } from './domain/webhooks/webhook-deliver.job.js';
import { webhooksPruneJob } from './domain/webhooks/webhooks-prune.job.js';
import { projectAssetCopyJob } from './domain/project-assets/project-asset-copy.job.js';
import { projectAssetDeleteJob } from './domain/project-assets/project-asset-delete.job.js';
import { assetShareJob } from './domain/sharing/asset-share.job.js';
import { assetImportJob } from './domain/asset-imports/asset-import.job.js';
import { assetArchiveJob } from './domain/asset-imports/asset-archive.job.js';

/*
 * Every job the app runs, assembled at the composition root: deps.ts hands this list to the registry the workers
 * claim from (src/jobs/registry.ts). Each definition lives with its feature (`domain/<feature>/<name>.job.ts`,
 * `defineJob` in src/jobs/define.ts), and features enqueue the definition itself (`enqueue(ctx, someJob, payload)`),
 * so nothing but deps.ts and main.ts imports this file and the feature code never imports itself back through it
 * (scripts/check-imports.js checks both).
 */

/** Add a feature's job here: one import, one entry. */
export const jobDefinitions: readonly AnyJobDefinition[] = [
  jobsPruneJob,
  webhooksPruneJob,
  uploadsExpireJob,
  importRunJob,
  trashPurgeExpiredJob,
  blobsSweepJob,
  // The media pipeline (src/domain/media): probe, then one job per derivative kind.
  mediaProbeJob,
  derivativeThumbnailJob,
  derivativePreviewJob,
  derivativePosterJob,
  derivativeProxyJob,
  derivativeWaveformJob,
  derivativePageJob,
  // medialoopster shot detection of video assets on devices with autoshot_detection (src/domain/media-assets).
  shotsDetectJob,
  // medialoopster scheduled deletion (date_del): a periodic sweep moves due assets to the trash.
  assetsDeleteScheduledJob,
  // Task due-date reminders: a periodic sweep tells assignees of tasks due within a day.
  tasksRemindDueJob,
  attachmentThumbnailJob,
  // Workstream proofs (src/domain/proofs): one job renders a proof's pages.
  proofGenerateJob,
  // Notifications fan-out (src/domain/events, webhooks, email): the outbox dispatcher and its deliveries.
  eventsDispatchJob,
  webhookDeliverJob,
  emailSendJob,
  inviteEmailJob,
  // Vionlabs processing tasks (src/domain/processing): one job per task run.
  processingTaskJob,
  approvalEmailJob,
  // medialoopster project assets (asynchronous copy and delete) and asset sharing between productions.
  projectAssetCopyJob,
  projectAssetDeleteJob,
  assetShareJob,
  assetImportJob,
  assetArchiveJob,
];
