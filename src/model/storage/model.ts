/** The entry points: the storage model of an app (cached), and argument tracing for other rules. */

import type { AppModel } from '../app.js';
import type { CallSite } from '../code-index.js';
import { collectAccounts } from './accounts.js';
import { Builder } from './builder.js';
import { collectDataStore } from './datastore.js';
import { collectFiles } from './files.js';
import { UNKNOWN_ORIGIN } from './names.js';
import { collectPrefs, collectPrefsOpens } from './prefs.js';
import { collectSqlite } from './sqlite.js';
import type { StorageModel, StorageOptions, ValueOrigin } from './types.js';

// ------------------------------------------------------------------------------------ entry points

const cache = new WeakMap<AppModel, Map<string, StorageModel>>();
const builders = new WeakMap<AppModel, Map<string, Builder>>();

function builderFor(app: AppModel, extra: readonly string[]): Builder {
  const k = JSON.stringify(extra);
  let m = builders.get(app);
  if (!m) builders.set(app, (m = new Map()));
  let b = m.get(k);
  if (!b) m.set(k, (b = new Builder(app, extra)));
  return b;
}

/**
 * The storage model of an app (built once per app and set of extra key patterns, then cached).
 * Never throws on odd code: what cannot be followed is left unknown.
 */
export function storageModel(app: AppModel, options: StorageOptions = {}): StorageModel {
  const extra = options.extraTokenPatterns ?? [];
  const k = JSON.stringify(extra);
  let m = cache.get(app);
  if (!m) cache.set(app, (m = new Map()));
  const hit = m.get(k);
  if (hit) return hit;
  const t0 = performance.now();
  const b = builderFor(app, extra);
  collectPrefsOpens(b);
  collectPrefs(b);
  collectDataStore(b);
  collectSqlite(b);
  collectFiles(b);
  collectAccounts(b);
  const model: StorageModel = {
    writes: b.writes,
    removals: b.removals,
    opens: b.opens,
    permissions: b.permissions,
    tables: b.tables,
    sessionStores: b.sessionStores(),
    timeMs: Math.round((performance.now() - t0) * 10) / 10,
  };
  m.set(k, model);
  return model;
}

/**
 * Where the value of argument `index` of a call comes from, traced inside the calling method
 * (the same tracing the storage model uses; token-logging uses it for log messages).
 */
export function traceArgument(app: AppModel, site: CallSite, index: number, options: StorageOptions = {}): ValueOrigin {
  const b = builderFor(app, options.extraTokenPatterns ?? []);
  const inv = b.invokeOf(site);
  return inv ? b.arg(inv, index) : UNKNOWN_ORIGIN;
}
