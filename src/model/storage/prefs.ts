/** SharedPreferences: the stores opened, the store an editor writes to, puts and removals. */

import { invPoint, type Builder } from './builder.js';
import type { Invoke } from './method-code.js';
import { parseRef, UNKNOWN_ORIGIN } from './names.js';
import { EDITOR, PREFS } from './refs.js';
import type { Store, ValueType } from './types.js';

const PUTS: [name: string, type: ValueType, proto: string][] = [
  ['putString', 'string', `(Ljava/lang/String;Ljava/lang/String;)${EDITOR}`],
  ['putStringSet', 'string-set', `(Ljava/lang/String;Ljava/util/Set;)${EDITOR}`],
  ['putInt', 'int', `(Ljava/lang/String;I)${EDITOR}`],
  ['putLong', 'long', `(Ljava/lang/String;J)${EDITOR}`],
  ['putBoolean', 'boolean', `(Ljava/lang/String;Z)${EDITOR}`],
  ['putFloat', 'float', `(Ljava/lang/String;F)${EDITOR}`],
];
const EDITOR_CHAIN = new Set(['putString', 'putStringSet', 'putInt', 'putLong', 'putBoolean', 'putFloat', 'remove', 'clear']);

export interface Opened {
  pc: number;
  store: Store;
}

function prefsStore(name: string | null, nameFrom: Store['nameFrom'], mode: number | null, encryptedBy: Store['encryptedBy'] = null): Store {
  return {
    kind: 'shared-prefs',
    name,
    nameFrom,
    mode,
    area: 'private',
    encryptedBy,
    backup: name !== null ? { domain: 'sharedpref', path: `${name}.xml` } : null,
    id: `shared-prefs:${name ?? '?'}`,
  };
}

/** Every prefs-opening call, grouped by calling method. */
export function collectPrefsOpens(b: Builder): void {
  const add = (inv: Invoke, store: Store): void => {
    let l = b.prefsOpensByMethod.get(inv.m.ref);
    if (!l) b.prefsOpensByMethod.set(inv.m.ref, (l = []));
    l.push({ pc: inv.pc, store });
  };
  for (const inv of b.invokesOf('*->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;')) {
    const n = b.keyOf(inv, 1);
    const mode = b.intArg(inv, 2);
    const nameFrom: Store['nameFrom'] = n.key === null ? 'unknown' : n.from === 'resource' ? 'resource' : n.from === 'static-field' ? 'static-field' : n.from === 'concat' ? 'concat' : 'const';
    const store = prefsStore(n.from === 'field-name' ? null : n.key, n.from === 'field-name' ? 'unknown' : nameFrom, mode);
    add(inv, store);
    if (mode !== null) b.opens.push({ api: 'Context.getSharedPreferences', at: invPoint(inv), store, mode });
  }
  for (const ref of ['Landroid/preference/PreferenceManager;->getDefaultSharedPreferences', 'Landroidx/preference/PreferenceManager;->getDefaultSharedPreferences']) {
    for (const inv of b.invokesOf(ref)) add(inv, prefsStore(`${b.pkg}_preferences`, 'default-prefs', 0));
  }
  for (const inv of b.invokesOf('*->getPreferences(I)Landroid/content/SharedPreferences;')) {
    const mode = b.intArg(inv, 1);
    const store = prefsStore(localClassName(b, parseRef(inv.target).cls, inv.m.key.class), 'activity-prefs', mode);
    add(inv, store);
    if (mode !== null) b.opens.push({ api: 'Activity.getPreferences', at: invPoint(inv), store, mode });
  }
  for (const inv of b.invokesOf('Landroidx/security/crypto/EncryptedSharedPreferences;->create')) {
    // create(fileName, masterKeyAlias, context, ...) (1.0) or create(context, fileName, masterKey, ...) (1.1).
    const k = inv.params[0] === 'Ljava/lang/String;' ? 0 : 1;
    const name = b.keyOf(inv, k).key;
    add(inv, prefsStore(name, name ? 'const' : 'unknown', 0, 'encrypted-shared-preferences'));
  }
}

/** Activity.getPreferences(): the prefs file is named after Activity.getLocalClassName(). */
function localClassName(b: Builder, refClass: string, callerClass: string): string {
  const cls = refClass.startsWith('Landroid/') ? callerClass : refClass;
  const dotted = cls.replace(/^L/, '').replace(/;$/, '').replace(/\//g, '.');
  return dotted.startsWith(`${b.pkg}.`) ? dotted.slice(b.pkg.length + 1) : dotted;
}

function opensIn(b: Builder, ref: string): Opened[] {
  return b.prefsOpensByMethod.get(ref) ?? [];
}

function uniqueStore(list: Opened[]): Store | null {
  if (list.length === 0) return null;
  const first = list[0]!.store;
  return list.every((o) => o.store.id === first.id) || first.name !== null ? first : null;
}

/** The store a SharedPreferences value (argument `k` of `inv`, e.g. the receiver of edit()) comes from. */
function prefsOf(b: Builder, inv: Invoke, k: number, depth: number): Store | null {
  if (depth > 4) return null;
  const s = b.methods.argSource(inv, k);
  if (s.kind === 'invoke') {
    const hit = opensIn(b, inv.m.ref).find((o) => o.pc === s.inv.pc);
    if (hit) return hit.store;
    // An app method that returns the prefs (getPrefs()): what it opens.
    if (b.methods.defines(parseRef(s.inv.target).cls)) return uniqueStore(opensIn(b, s.inv.target));
    return null;
  }
  if (s.kind === 'field') {
    for (const w of b.writersOf(s.ref)) {
      const st = uniqueStore(opensIn(b, w));
      if (st) return st;
    }
  }
  return null;
}

/** The prefs store an editor call (put/remove/clear/commit) writes to. */
function editorStore(b: Builder, inv: Invoke): Store | null {
  let at = inv;
  const EDIT = `${PREFS}->edit()${EDITOR}`;
  for (let guard = 0; guard < 64; guard++) {
    const recv = b.methods.argSource(at, 0);
    if (recv.kind === 'invoke') {
      const p = parseRef(recv.inv.target);
      if (EDITOR_CHAIN.has(p.name) && recv.inv.target.endsWith(`)${EDITOR}`)) {
        at = recv.inv;
        continue;
      }
      if (p.name === 'edit') return prefsOf(b, recv.inv, 0, 0) ?? fallbackStore(b, at);
      // An app method that returns an editor: the edit() calls inside it.
      if (b.methods.defines(p.cls)) {
        const m = b.methods.code(recv.inv.target);
        if (m) {
          for (const e of b.methods.invokesIn(m, `${PREFS}->edit`)) {
            const st = prefsOf(b, e, 0, 1);
            if (st) return st;
          }
        }
      }
      break;
    }
    if (recv.kind === 'field') {
      // A field-held editor: the edit() in the methods that set the field.
      for (const w of b.writersOf(recv.ref)) {
        const m = b.methods.code(w);
        if (!m) continue;
        for (const e of b.methods.invokesIn(m, EDIT)) {
          const st = prefsOf(b, e, 0, 1);
          if (st) return st;
        }
        const st = uniqueStore(opensIn(b, w));
        if (st) return st;
      }
      break;
    }
    break;
  }
  return fallbackStore(b, at);
}

/** When the editor could not be followed: the one prefs store the method opens, if any. */
function fallbackStore(b: Builder, inv: Invoke): Store | null {
  return uniqueStore(opensIn(b, inv.m.ref));
}

export function collectPrefs(b: Builder): void {
  for (const [name, type, proto] of PUTS) {
    for (const inv of b.invokesOf(`*->${name}${proto}`)) {
      if (inv.regs.length < 3) continue;
      const store = editorStore(b, inv) ?? prefsStore(null, 'unknown', null);
      const k = b.keyOf(inv, 1);
      const value = b.arg(inv, 2);
      const api = `SharedPreferences.Editor.${name}`;
      if ((value.kind === 'null' || (value.kind === 'const' && value.text === '')) && (type === 'string' || type === 'string-set')) {
        b.removals.push({ kind: 'overwrite-empty', storeKind: 'shared-prefs', store, key: k.key, api, at: invPoint(inv) });
        continue;
      }
      // A helper (Prefs.save(key, value)): the key is named by its callers.
      const helper = k.key === null ? b.helperCalls(inv, k.origin, value) : [];
      if (helper.length > 0) {
        for (const h of helper) {
          const hk = h.keyArg !== null ? b.keyOf(h.caller, h.keyArg) : k;
          if (h.value.kind === 'null') {
            b.removals.push({ kind: 'overwrite-empty', storeKind: 'shared-prefs', store, key: hk.key, api, at: invPoint(h.caller) });
            continue;
          }
          b.addWrite(
            { store, api, at: invPoint(h.caller), via: invPoint(inv), key: hk.key, keyFrom: hk.from, keyResource: hk.resource, value: h.value, valueType: type },
            h.caller.m,
            null,
            [inv.m.ref],
          );
        }
        continue;
      }
      b.addWrite({ store, api, at: invPoint(inv), key: k.key, keyFrom: k.from, keyResource: k.resource, value, valueType: type }, inv.m);
    }
  }
  for (const inv of b.invokesOf(`*->remove(Ljava/lang/String;)${EDITOR}`)) {
    const store = editorStore(b, inv);
    const k = b.keyOf(inv, 1);
    const helper = k.key === null ? b.helperCalls(inv, k.origin, UNKNOWN_ORIGIN) : [];
    if (helper.length > 0) {
      for (const h of helper) {
        const hk = b.keyOf(h.caller, h.keyArg ?? 1);
        b.removals.push({ kind: 'remove-key', storeKind: 'shared-prefs', store, key: hk.key, api: 'SharedPreferences.Editor.remove', at: invPoint(h.caller) });
      }
    } else b.removals.push({ kind: 'remove-key', storeKind: 'shared-prefs', store, key: k.key, api: 'SharedPreferences.Editor.remove', at: invPoint(inv) });
  }
  for (const inv of b.invokesOf(`*->clear()${EDITOR}`)) {
    b.removals.push({ kind: 'clear-store', storeKind: 'shared-prefs', store: editorStore(b, inv), key: null, api: 'SharedPreferences.Editor.clear', at: invPoint(inv) });
  }
  for (const inv of b.invokesOf('*->deleteSharedPreferences(Ljava/lang/String;)Z')) {
    const k = b.keyOf(inv, 1);
    b.removals.push({ kind: 'delete-store', storeKind: 'shared-prefs', store: prefsStore(k.key, k.key ? 'const' : 'unknown', null), key: null, api: 'Context.deleteSharedPreferences', at: invPoint(inv) });
  }
}
