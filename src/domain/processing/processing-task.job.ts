import { Type } from '@sinclair/typebox';
import { defineJob } from '../../jobs/define.js';
import { PROCESSING_TASK_JOB } from './rerun.js';
import { failDeadTask, runProcessingTask } from './run-task.js';

/** One run of a processing task (docs/vionlabs.md "Tasks"): the product computed from the item's current video. */
export const processingTaskJob = defineJob({
  name: PROCESSING_TASK_JOB,
  payload: Type.Object({ task_id: Type.String(), workspace_id: Type.String() }),
  retry: { maxAttempts: 3, backoff: { baseSeconds: 30, maxSeconds: 900 } },
  timeoutSeconds: 4 * 3600,
  handler: runProcessingTask,
  onDead: failDeadTask,
});
