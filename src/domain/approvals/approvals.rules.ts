/*
 * The approval state machine as pure rules (spec §1.4.1 "Answer rules", "Approval rules from the product help",
 * "What happens after a rejection"; docs/approvals.md). No I/O here: approvals.service.ts applies them.
 */

/** approval `status`. No "rejected" status exists: a rejection keeps the approval pending and blocks its stage. */
export const APPROVAL_STATUS = { pending: 1, approved: 2, cancelled: -1 } as const;

/** approvalresponse `response`. */
export const RESPONSE = { pending: 1, approved: 2, rejected: 3, approvedWithChanges: 4 } as const;
export type AnswerValue = 2 | 3 | 4;

/** How a stage with several approvers is met: every approver approves, or the first approval is enough. */
export const APPROVER_STYLES = ['all', 'first'] as const;
export type ApproverStyle = (typeof APPROVER_STYLES)[number];

/**
 * Whether a stage's condition is met by its approvers' current answers. Only a plain approval (2) counts: a
 * rejection (3) or an approval with changes (4) keeps the approval on the stage until the owner resubmits that
 * answer and the approver approves (§1.4.1: "A reject or approve with changes keeps the asset on the step").
 * "all" also needs no rejection anywhere on the stage (ad-hoc: "a single rejection rejects it").
 */
export function stageMet(style: ApproverStyle, answers: readonly number[]): boolean {
  if (answers.length === 0) {
    return false;
  }
  if (style === 'first') {
    return answers.some((a) => a === RESPONSE.approved);
  }
  return answers.every((a) => a === RESPONSE.approved);
}

/**
 * Where an approval goes after its current stage is met: the next stage that has approvers, or approved when none is
 * left. Ad-hoc approvals (stage 0) have one stage.
 */
export function advance(current: number, stagesWithApprovers: readonly number[]): { stage: number; status: number } {
  const next = stagesWithApprovers.filter((s) => s > current).sort((a, b) => a - b)[0];
  return next === undefined ? { stage: current, status: APPROVAL_STATUS.approved } : { stage: next, status: APPROVAL_STATUS.pending };
}

/** Answers that may be given (A7 `response`). */
export const isAnswer = (n: number): n is AnswerValue => n === 2 || n === 3 || n === 4;
