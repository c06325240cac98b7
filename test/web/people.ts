import { setUserPassword } from '../../src/domain/auth/passwords.service.js';
import type { TestApp } from '../harness/app.js';
import type { Tenant } from '../harness/factories.js';

/** Gives each person a first and last name (what the pages show) and the password they sign in with. */
export async function namePeople(t: TestApp, password: string, people: ReadonlyArray<readonly [Tenant, string, string]>): Promise<void> {
  for (const [who, first, last] of people) {
    await t.deps.db.updateTable('users').set({ first_name: first, last_name: last }).where('id', '=', who.userId).execute();
    await setUserPassword(t.deps, { email: who.email, password });
  }
}
