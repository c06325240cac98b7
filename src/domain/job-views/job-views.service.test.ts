import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workspaceOfPayload } from '../../jobs/queue.js';
import { visiblePayload } from './job-views.service.js';

test('visiblePayload shows ids and withholds a payload with a credential-like key anywhere', () => {
  assert.deepEqual(visiblePayload('{"workspace_id":"w","task_id":"t"}'), { workspace_id: 'w', task_id: 't' });
  for (const text of ['{"secret":"x"}', '{"a":{"apiKey":"x"}}', '{"list":[{"access_token":"x"}]}', '{"Password":"x"}', '{"authorization":"Bearer x"}']) {
    assert.equal(visiblePayload(text), null, text);
  }
  assert.equal(visiblePayload('not json'), null);
});

test('workspaceOfPayload reads workspace_id or workspaceId, else null', () => {
  assert.equal(workspaceOfPayload({ workspace_id: 'w1', version_id: 'v' }), 'w1');
  assert.equal(workspaceOfPayload({ importId: 'i', workspaceId: 'w2' }), 'w2');
  for (const p of [{}, { account_id: 'a' }, { workspace_id: '' }, { workspace_id: 3 }, null, 'w', []]) {
    assert.equal(workspaceOfPayload(p), null, JSON.stringify(p));
  }
});
