/**
 * The Builder: a Tracer plus the model being collected (writes, removals, opens, permission
 * changes, tables) and the per-app state the collectors share. The collectors (prefs.ts,
 * datastore.ts, sqlite.ts, files.ts, accounts.ts) are functions of the builder; model.ts runs them.
 */

import type { AppModel } from '../app.js';
import { classifyName, fromKeyMatch, originSession } from './classify.js';
import type { MCode, Invoke } from './method-code.js';
import type { Opened } from './prefs.js';
import { protection as protectionOf, type Facts } from './protection.js';
import { Tracer } from './trace.js';
import type { CodePoint, PermissionChange, Protection, SessionMatch, SessionStore, SqlTable, StorageRemoval, StorageWrite, StoreOpen, ValueOrigin } from './types.js';

export function invPoint(inv: Invoke): CodePoint {
  return { dex: inv.m.dex.file, class: inv.m.key.class, method: inv.m.key.name, proto: inv.m.key.proto, pc: inv.pc };
}

export class Builder extends Tracer {
  readonly facts = new Map<string, Facts>();
  readonly prefsOpensByMethod = new Map<string, Opened[]>();
  readonly pkg: string;

  readonly writes: StorageWrite[] = [];
  readonly removals: StorageRemoval[] = [];
  readonly opens: StoreOpen[] = [];
  readonly permissions: PermissionChange[] = [];
  readonly tables: SqlTable[] = [];

  constructor(
    app: AppModel,
    readonly extra: readonly string[],
  ) {
    super(app);
    this.pkg = app.manifest.package;
  }

  // ---------------------------------------------------------------- session

  session(key: string | null, keyFrom: StorageWrite['keyFrom'], value: ValueOrigin, extra?: string | null): SessionMatch | null {
    // null, numbers and flags are not secrets whatever the key says ("lastToken" = Long.toString(now)).
    if (value.kind === 'number' || value.kind === 'null') return null;
    if (key !== null && keyFrom !== 'unknown') {
      const label = keyFrom === 'concat' ? key.replace(/\*/g, ' ') : key;
      const m = fromKeyMatch(classifyName(label, this.extra), 'key');
      if (m) return m;
    }
    if (extra) {
      const m = fromKeyMatch(classifyName(extra, this.extra), 'key');
      if (m) return m;
    }
    return originSession(value, this.extra);
  }

  // ---------------------------------------------------------------- writes

  addWrite(w: Omit<StorageWrite, 'session' | 'protection'>, m: MCode, extraLabel: string | null = null, alsoIn: string[] = []): StorageWrite {
    const session = this.session(w.key, w.keyFrom, w.value, extraLabel);
    const out = { ...w, session } as StorageWrite;
    // Protection is worked out when first read (most writes are never asked: no session data).
    let protection: Protection | null = null;
    Object.defineProperty(out, 'protection', {
      enumerable: true,
      configurable: true,
      get: () => (protection ??= protectionOf(this, m, w.value, w.store, alsoIn)),
    });
    this.writes.push(out);
    return out;
  }

  /**
   * The callers of a helper (Prefs.save(key, value)) whose key or value is one of its
   * parameters, with those arguments; empty when not a helper or too many callers to be one.
   */
  helperCalls(inv: Invoke, keyOrigin: ValueOrigin | null, valueOrigin: ValueOrigin): { caller: Invoke; value: ValueOrigin; keyArg: number | null }[] {
    const keyParam = keyOrigin?.kind === 'parameter' ? Number(keyOrigin.text) : null;
    const valueParam = valueOrigin.kind === 'parameter' ? Number(valueOrigin.text) : null;
    if (keyParam === null) return [];
    const shift = inv.m.isStatic ? 0 : 1;
    const callers = this.code.callsTo(inv.m.ref);
    if (callers.length === 0 || callers.length > 64) return [];
    const out: { caller: Invoke; value: ValueOrigin; keyArg: number | null }[] = [];
    for (const c of callers) {
      const ci = this.invokeOf(c);
      if (!ci) continue;
      out.push({ caller: ci, keyArg: keyParam + shift, value: valueParam !== null ? withThrough(this.arg(ci, valueParam + shift, 1), valueOrigin.through) : valueOrigin });
    }
    return out;
  }

  sessionStores(): SessionStore[] {
    const byId = new Map<string, SessionStore>();
    for (const w of this.writes) {
      if (!w.session) continue;
      if (w.valueType === 'boolean' || w.valueType === 'float') continue;
      let s = byId.get(w.store.id);
      if (!s) byId.set(w.store.id, (s = { store: w.store, writes: [], keys: [] }));
      s.writes.push(w);
      const k = w.key ?? w.store.name ?? '?';
      if (!s.keys.includes(k)) s.keys.push(k);
    }
    return [...byId.values()];
  }
}

function withThrough(o: ValueOrigin, before: string[]): ValueOrigin {
  return before.length === 0 ? o : { ...o, through: [...before, ...o.through] };
}
