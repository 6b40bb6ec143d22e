/**
 * session-not-cleared: the app stores session data but no code removes it, so logout (if there is
 * one) leaves the token or password on the device and a later launch, a backup or another user of
 * the device finds a live session (MASWE-0024, "Sensitive Data Accessible After Session
 * Termination"). A static hint: the dynamic stage confirms it by logging out and reading the
 * sandbox.
 *
 * From the storage model: for each store that receives session data, look for a removal that
 * covers it anywhere in the code:
 *  - SharedPreferences: Editor.clear() on that store, Context.deleteSharedPreferences(name), or for
 *    every session key a remove(key) / putString(key, null or "");
 *  - DataStore: MutablePreferences.remove/clear;
 *  - SQLite: DELETE FROM / DROP TABLE / SQLiteDatabase.delete on a table holding the data, or
 *    Context.deleteDatabase(name);
 *  - files: File.delete / Context.deleteFile / deleteRecursively on that file (or on a file whose
 *    name could not be found: benefit of the doubt);
 *  - AccountManager: removeAccount*, clearPassword, invalidateAuthToken, setPassword(null).
 * A removal whose store could not be identified counts for every store of its kind written by the
 * same code (app or the same library): the rule errs towards silence. ActivityManager.clearApplicationUserData() clears everything.
 */
import { defineRule } from '../src/rules/rule.js';
import { libraryOf } from '../src/model/libraries.js';
import { describeStore, methodLabel, storageModel, type SessionStore, type StorageRemoval } from '../src/model/storage.js';

export default defineRule({
  meta: {
    id: 'session-not-cleared',
    title: 'Stored session data is never removed',
    severity: 'medium',
    masvs: ['MASVS-AUTH-1', 'MASVS-STORAGE-1'],
    mastg: ['MASWE-0024', 'MASTG-TEST-0207'],
    cwe: ['CWE-613'],
    description:
      'The app stores a session token, password or other session data, but no code path removes it: no remove() of the key, no clear() of the ' +
      'SharedPreferences, no delete of the file, table or database, no AccountManager removal. After logout (or a session timeout) the data stays on the ' +
      'device, so the next launch can resume the session, a backup carries it, and anyone who later reads the app\'s data can replay it. This is a static ' +
      'hint: the dynamic stage confirms it by logging out and reading the sandbox.',
    remediation:
      'On logout, remove every stored piece of the session: SharedPreferences.Editor.remove(key) or clear() followed by commit()/apply(), ' +
      'Context.deleteSharedPreferences(name), delete the files/rows/databases, AccountManager.removeAccountExplicitly()/invalidateAuthToken(), ' +
      'CookieManager.removeAllCookies(); and invalidate the token on the server too.',
    references: [
      'https://mas.owasp.org/MASWE/MASVS-AUTH/MASWE-0024/',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0207/',
    ],
  },
  check(app, ctx) {
    const model = storageModel(app, { extraTokenPatterns: ctx.options.extraTokenPatterns });
    const removals = model.removals;
    const everything = removals.find((r) => r.kind === 'clear-app-data');
    if (everything) return;

    const pkg = app.manifest.package;
    const owner = (cls: string): string => libraryOf(cls, ctx.options.ignoredLibraries, pkg) ?? '';
    const sameStore = (r: StorageRemoval, s: SessionStore): boolean => {
      if (r.storeKind !== s.store.kind) return false;
      if (r.store && r.store.name !== null && s.store.name !== null) return r.store.name === s.store.name;
      // Unknown which store: it counts when it is in the same code (app or library) as a write.
      return s.writes.some((w) => owner(w.at.class) === owner(r.at.class));
    };

    for (const s of model.sessionStores) {
      const kind = s.store.kind;
      const mine = removals.filter((r) => sameStore(r, s));
      let left: string[] = [];
      if (kind === 'shared-prefs' || kind === 'datastore') {
        if (mine.some((r) => r.kind === 'clear-store' || r.kind === 'delete-store')) continue;
        if (kind === 'datastore' && mine.length > 0) continue;
        const removed = new Set(mine.filter((r) => r.kind === 'remove-key' || r.kind === 'overwrite-empty').map((r) => r.key ?? '\u0000'));
        if (removed.has('\u0000')) continue; // a remove(key) whose key is unknown: benefit of the doubt
        left = s.keys.filter((k) => !removed.has(k));
        if (left.length === 0) continue;
      } else if (kind === 'sqlite') {
        if (mine.some((r) => r.kind === 'delete-store' && r.key === null)) continue; // deleteDatabase
        const tables = [...new Set(s.writes.map((w) => w.table).filter((t): t is string => !!t))];
        const cleared = (t: string): boolean => mine.some((r) => r.key === null || r.key.toLowerCase() === t.toLowerCase());
        if (tables.length === 0 ? mine.length > 0 : tables.every(cleared)) continue;
        left = s.keys;
      } else if (kind === 'file') {
        if (mine.length > 0) continue;
        left = s.keys;
      } else if (kind === 'account-manager') {
        if (mine.some((r) => r.kind === 'delete-store')) continue;
        const removed = new Set(mine.map((r) => (r.key ?? '').replace(/:.*/, '')));
        left = s.keys.filter((k) => !removed.has(k.replace(/:.*/, '')));
        if (left.length === 0) continue;
      }
      // Point at a write of something that stays (the store's first write when none is keyed).
      const first = s.writes.find((w) => left.includes(w.key ?? w.store.name ?? '?')) ?? s.writes[0]!;
      const hows =
        kind === 'shared-prefs'
          ? 'no Editor.remove() of these keys, no clear() of this file and no deleteSharedPreferences()'
          : kind === 'sqlite'
            ? 'no DELETE/DROP of the table and no deleteDatabase()'
            : kind === 'file'
              ? 'no delete of the file'
              : kind === 'datastore'
                ? 'no remove()/clear() on the DataStore preferences'
                : 'no removeAccount/clearPassword/invalidateAuthToken';
      ctx.report({
        message:
          `Session data written to ${describeStore(s.store)} by ${methodLabel(first.at)} (${left.slice(0, 6).join(', ')}) is never removed: ${hows} anywhere in the code. ` +
          'After logout it stays on the device, where the next launch, a backup or anyone reading the app\'s data finds a live session (to be confirmed by the dynamic logout probe).',
        location: { class: first.at.class, method: first.at.method },
        evidence: `${describeStore(s.store)}; session keys ${s.keys.join(', ')}; written by ${[...new Set(s.writes.map((w) => `${w.at.class}->${w.at.method}`))].slice(0, 4).join(', ')}; ` +
          `removals of this store found: ${mine.length === 0 ? 'none' : mine.map((r) => `${r.api}(${r.key ?? ''}) in ${methodLabel(r.at)}`).slice(0, 4).join(', ')}`,
        confidence: 'medium',
        fingerprint: [s.store.kind, s.store.name ?? '?'],
      });
    }
  },
});
