/*
 * The Vionlabs products (spec §3.2 `ProductType`) and which of them Atelier computes (docs/vionlabs.md). A product
 * outside IMPLEMENTED_PRODUCTS is refused with 422 when a task is asked for it: never accepted and left pending.
 */

export const PRODUCT_TYPES = [
  'adbreaks', 'contextual_adbreak', 'emotions', 'fingerprint', 'fingerprintplus', 'jitpreviews', 'jitthumbnails', 'markers',
  'nudity', 'profanity', 'semantic', 'similar', 'content_summary', 'semantic_scenes', 'vertical_conversion', 'scene_tags',
] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** Computed here from the video's own pixels and samples with ffmpeg and fpcalc; nothing else is honest to offer. */
export const IMPLEMENTED_PRODUCTS = ['adbreaks', 'markers', 'jitthumbnails', 'jitpreviews', 'fingerprint'] as const;
export type ImplementedProduct = (typeof IMPLEMENTED_PRODUCTS)[number];

export const isImplemented = (p: string): p is ImplementedProduct => (IMPLEMENTED_PRODUCTS as readonly string[]).includes(p);

/** A product version: `MAJOR.MINOR.PATCH` (the docs' example is `1.0.1`). Any such label runs Atelier's one implementation. */
export const VERSION_PATTERN = '^[0-9]{1,4}\\.[0-9]{1,4}\\.[0-9]{1,4}$';

export const TASK_PRIORITIES = ['low', 'medium', 'high'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** The job queue's priority of each (lower runs first; the queue's default is 100). */
export const JOB_PRIORITY: Record<TaskPriority, number> = { high: 40, medium: 70, low: 110 };

export const TASK_STATUSES = ['pending', 'processing', 'done', 'failed', 'deactivated'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const ITEM_TYPES = ['standalone', 'series', 'season', 'episode'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** Longest video the products accept (seconds): longer ones fail with "unsupported video length". */
export const MAX_VIDEO_SECONDS = 6 * 3600;
/** Shortest: below this there is nothing to find breaks or markers in. */
export const MIN_VIDEO_SECONDS = 1;
