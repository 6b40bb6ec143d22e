/** AccountManager: passwords, auth tokens and user data, and their removal. */

import { invPoint, type Builder } from './builder.js';
import type { Invoke } from './method-code.js';
import { ACCOUNTS } from './refs.js';
import type { Store, StorageWrite } from './types.js';

export function collectAccounts(b: Builder): void {
  const store: Store = { kind: 'account-manager', name: 'accounts', nameFrom: 'fixed', mode: null, area: 'system', encryptedBy: null, backup: null, id: 'account-manager:accounts' };
  const write = (inv: Invoke, api: string, key: string | null, keyFrom: StorageWrite['keyFrom'], valueArg: number): void => {
    const value = b.arg(inv, valueArg);
    if (value.kind === 'null') {
      b.removals.push({ kind: 'overwrite-empty', storeKind: 'account-manager', store, key, api, at: invPoint(inv) });
      return;
    }
    b.addWrite({ store, api, at: invPoint(inv), key, keyFrom, value, valueType: 'string' }, inv.m);
  };
  for (const inv of b.invokesOf(`${ACCOUNTS}->addAccountExplicitly`)) {
    if (b.arg(inv, 2).kind !== 'null') write(inv, 'AccountManager.addAccountExplicitly', 'password', 'fixed', 2);
  }
  for (const inv of b.invokesOf(`${ACCOUNTS}->setPassword`)) write(inv, 'AccountManager.setPassword', 'password', 'fixed', 2);
  for (const inv of b.invokesOf(`${ACCOUNTS}->setAuthToken`)) {
    const t = b.methods.argSource(inv, 2);
    write(inv, 'AccountManager.setAuthToken', `authtoken${t.kind === 'string' ? `:${t.value}` : ''}`, 'fixed', 3);
  }
  for (const inv of b.invokesOf(`${ACCOUNTS}->setUserData`)) {
    const k = b.keyOf(inv, 2);
    write(inv, 'AccountManager.setUserData', k.key, k.from, 3);
  }
  for (const op of ['removeAccount', 'removeAccountExplicitly', 'clearPassword', 'invalidateAuthToken']) {
    for (const inv of b.invokesOf(`${ACCOUNTS}->${op}`)) {
      const key = op === 'clearPassword' ? 'password' : op === 'invalidateAuthToken' ? 'authtoken' : null;
      b.removals.push({ kind: key ? 'remove-key' : 'delete-store', storeKind: 'account-manager', store, key, api: `AccountManager.${op}`, at: invPoint(inv) });
    }
  }
}
