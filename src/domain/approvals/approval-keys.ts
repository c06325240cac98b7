import { createHmac } from 'node:crypto';
import { sha256Hex } from '../../lib/secrets.js';

/*
 * Approval keys (Workstream `{key}`, spec §1.3.4, §1.5 item 9): one per approver slot, plus one view-only key per
 * approval for its owner and admins. Like invite tokens they are derived from the token-signing key and the row's id
 * (so they can be shown again and e-mailed by a job) and only their SHA-256 is stored, which is what a lookup
 * matches. Without TOKEN_SECRET a key cannot be guessed from an id. URL-safe as they are (base64url).
 */

const mac = (tokenKey: Uint8Array, text: string): string => createHmac('sha256', tokenKey).update(text).digest('base64url');

/** The key of one approver slot (approval_responses row). */
export const responseKey = (tokenKey: Uint8Array, responseId: string): string => `apr_${mac(tokenKey, `approval-response:${responseId}`)}`;

/** The view-only key of an approval (owner and admins only). */
export const viewKey = (tokenKey: Uint8Array, approvalId: string): string => `apv_${mac(tokenKey, `approval-view:${approvalId}`)}`;

/** What is stored and looked up. */
export const keyHash = (key: string): string => sha256Hex(key);

/** The shape of a key, checked before any lookup. */
export const APPROVAL_KEY_PATTERN = '^ap[rv]_[A-Za-z0-9_-]{43}$';
