import type { ApproverStyle } from './approvals.rules.js';

/*
 * Approval setting types (Workstream `approval.settings`, spec §1.3.6). Webdam leaves their meanings undocumented;
 * these are Atelier's, chosen so the seed's ad-hoc example reads sensibly (docs/approvals.md "Setting types"). Every
 * approval stores every type for each of its stages (stage 0 for ad-hoc approvals), values as strings.
 */
export const SETTING = {
  /** "1": send a reminder the day before the due date (stored; reminders are sent on request today). */
  dueReminder: 2,
  /** "1": approvers may be escalated (stored; no escalation yet, so `escalated_approver` is always 0). */
  escalation: 3,
  /** "1": approvers of the stage can view comments (A4, §1.5 item 8). */
  viewComments: 6,
  /** "1": approvers of the stage can proof. */
  canProof: 10,
  /** "1": approvers are e-mailed when the stage starts. */
  emailApprovers: 17,
  /** Approver style: "1" first response wins, "2" all required (ad-hoc approvals: "2"). */
  approverStyle: 18,
  /** "1": approvers may answer "approve with changes" (4). */
  allowChanges: 19,
  /** The request message (HTML). */
  message: 22,
} as const;

/** Types Webdam shows that Atelier stores with the example's value and gives no meaning yet. */
const RESERVED: Record<number, string> = { 11: '0', 12: '0', 13: '0', 14: '0', 15: '0', 16: '0', 21: '0' };

export interface StageSwitches {
  style: ApproverStyle;
  viewComments: boolean;
  canProof: boolean;
}

/** The setting rows (type → value) of one stage. */
export function stageSettings(s: StageSwitches, message: string): Map<number, string> {
  const out = new Map<number, string>([
    [SETTING.dueReminder, '0'],
    [SETTING.escalation, '0'],
    [SETTING.viewComments, s.viewComments ? '1' : '0'],
    [SETTING.canProof, s.canProof ? '1' : '0'],
    [SETTING.emailApprovers, '1'],
    [SETTING.approverStyle, s.style === 'first' ? '1' : '2'],
    [SETTING.allowChanges, '1'],
    [SETTING.message, message],
  ]);
  for (const [type, value] of Object.entries(RESERVED)) {
    out.set(Number(type), value);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

export const styleOf = (value: string | undefined): ApproverStyle => (value === '1' ? 'first' : 'all');
