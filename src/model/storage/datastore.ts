/** Preferences DataStore: the declared keys (each a stored value), the store name, removals. */

import { invPoint, type Builder } from './builder.js';
import { UNKNOWN_ORIGIN } from './names.js';
import type { Store, ValueType } from './types.js';

const DATASTORE_KEYS: [name: string, type: ValueType][] = [
  ['stringPreferencesKey', 'string'],
  ['stringSetPreferencesKey', 'string-set'],
  ['byteArrayPreferencesKey', 'bytes'],
  ['intPreferencesKey', 'int'],
  ['longPreferencesKey', 'long'],
  ['booleanPreferencesKey', 'boolean'],
  ['floatPreferencesKey', 'float'],
  ['doublePreferencesKey', 'float'],
];

export function collectDataStore(b: Builder): void {
  const names = new Set<string>();
  for (const ref of ['*->preferencesDataStore', '*->preferencesDataStore$default']) {
    for (const inv of b.invokesOf(ref)) {
      for (let k = 0; k < inv.regs.length; k++) {
        const s = b.methods.argSource(inv, k);
        if (s.kind === 'string') names.add(s.value);
      }
    }
  }
  const dsName = names.size === 1 ? [...names][0]! : null;
  const store: Store = {
    kind: 'datastore',
    name: dsName,
    nameFrom: dsName ? 'const' : 'unknown',
    mode: null,
    area: 'private',
    encryptedBy: null,
    backup: dsName ? { domain: 'file', path: `datastore/${dsName}.preferences_pb` } : null,
    id: `datastore:${dsName ?? '?'}`,
  };
  for (const [name, type] of DATASTORE_KEYS) {
    for (const inv of b.invokesOf(`*->${name}`)) {
      if (!inv.static) continue;
      const k = b.keyOf(inv, 0);
      if (k.key === null) continue;
      b.addWrite({ store, api: `DataStore ${name}`, at: invPoint(inv), key: k.key, keyFrom: k.from, keyResource: k.resource, value: UNKNOWN_ORIGIN, valueType: type }, inv.m);
    }
  }
  for (const op of ['remove', 'clear']) {
    for (const inv of b.invokesOf(`Landroidx/datastore/preferences/core/MutablePreferences;->${op}`)) {
      b.removals.push({ kind: op === 'clear' ? 'clear-store' : 'remove-key', storeKind: 'datastore', store, key: null, api: `MutablePreferences.${op}`, at: invPoint(inv) });
    }
  }
}
