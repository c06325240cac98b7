import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advance, APPROVAL_STATUS, stageMet } from './approvals.rules.js';

test('all required: every approver approves; a rejection or an approval with changes blocks', () => {
  assert.equal(stageMet('all', [2, 2]), true);
  assert.equal(stageMet('all', [2, 1]), false);
  assert.equal(stageMet('all', [2, 3]), false);
  assert.equal(stageMet('all', [2, 4]), false);
  assert.equal(stageMet('all', []), false);
});

test('first response wins: one approval is enough; a rejection alone keeps the stage', () => {
  assert.equal(stageMet('first', [1, 2]), true);
  assert.equal(stageMet('first', [3, 1]), false);
  assert.equal(stageMet('first', [3, 2]), true);
  assert.equal(stageMet('first', [4]), false);
});

test('advance: next stage with approvers, else approved', () => {
  assert.deepEqual(advance(1, [1, 2, 3]), { stage: 2, status: APPROVAL_STATUS.pending });
  assert.deepEqual(advance(1, [1, 3]), { stage: 3, status: APPROVAL_STATUS.pending });
  assert.deepEqual(advance(3, [1, 2, 3]), { stage: 3, status: APPROVAL_STATUS.approved });
  assert.deepEqual(advance(0, [0]), { stage: 0, status: APPROVAL_STATUS.approved });
});
