import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDatabase } from '../../harness/app.js';

describeEachDatabase('GET /workspaces', (t) => {
  test('returns the workspace named by x-workspace-id, at / and /v1', async () => {
    const ten = await t.factory.tenant();
    for (const prefix of ['', '/v1']) {
      const res = await t.req('GET', `${prefix}/workspaces`, { headers: ten.headers });
      assert.equal(res.status, 200);
      assert.equal(res.body.id, ten.workspaceId);
      assert.equal(res.body.account_id, ten.accountId);
      assert.equal(res.body.name, 'Main');
      assert.equal(typeof res.body.sequence, 'string');
      assert.deepEqual(res.body.roles, { workspace_id: ten.workspaceId, user_id: ten.userId, roles: ['admin'] });
      assert.deepEqual(res.body.usage, { members: 1, storage: 0, assets: 0 });
      assert.equal(res.body.created_by_user_id, ten.userId);
    }
  });
});
