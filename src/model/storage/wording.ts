/** Wording shared by the rules: modes, stores, session nouns, redaction, labels. */

import type { SessionKind } from '../session-data.js';
import { simpleClassName } from './names.js';
import type { FileArea, Store } from './types.js';

/**
 * The name a message gives the value that follows it: "token=" / "password: " / "auth_token = '"
 * give the identifier before the separator (strict); "Bearer " / "token " give the last word
 * (loose: the caller should ask for a strong session word). Null when the text does not end in a label.
 */
export function labelBefore(text: string): { label: string; strict: boolean } | null {
  let m = /([A-Za-z][A-Za-z0-9_-]*)["'\])]?\s*[:=]\s*["'\[(]?$/.exec(text);
  if (m) return { label: m[1]!, strict: true };
  m = /(?:^|[\s,;(\[{])([A-Za-z][A-Za-z0-9_-]*)\s+$/.exec(text);
  return m ? { label: m[1]!, strict: false } : null;
}

// ------------------------------------------------------------------------------------ wording shared by the rules

const MODE_NAMES: Record<number, string> = { 0: 'MODE_PRIVATE', 1: 'MODE_WORLD_READABLE', 2: 'MODE_WORLD_WRITEABLE', 3: 'MODE_WORLD_READABLE|MODE_WORLD_WRITEABLE' };

/** "MODE_PRIVATE", "MODE_WORLD_READABLE", "MODE_WORLD_READABLE|MODE_APPEND" ... */
export function modeName(mode: number): string {
  const base = MODE_NAMES[mode & 3] ?? String(mode & 3);
  const extra: string[] = [];
  if (mode & 0x8000) extra.push('MODE_APPEND');
  if (mode & 4) extra.push('MODE_MULTI_PROCESS');
  return [base, ...extra].join('|');
}

const AREA_WORDS: Record<FileArea, string> = {
  files: "in the app's files directory",
  cache: "in the app's cache directory",
  'no-backup': "in the app's no-backup directory",
  data: "in the app's data directory",
  'app-dir': 'in an app_ directory (Context.getDir)',
  database: "in the app's databases directory",
  'external-app': 'in app-specific external storage (getExternalFilesDir/getExternalCacheDir)',
  'external-public': 'on shared external storage (/sdcard)',
  private: "in the app's private data",
  system: "in the system's accounts database",
  unknown: 'in a file whose directory was not found',
};

/** A store in words: 'SharedPreferences "session" (shared_prefs/session.xml)'. */
export function describeStore(s: Store): string {
  switch (s.kind) {
    case 'shared-prefs':
      if (s.name === null) return 'SharedPreferences (file name not found)';
      return `${s.nameFrom === 'default-prefs' ? 'the default SharedPreferences' : `SharedPreferences "${s.name}"`} (shared_prefs/${s.name}.xml)`;
    case 'datastore':
      return s.name ? `DataStore "${s.name}" (files/datastore/${s.name}.preferences_pb)` : 'a Preferences DataStore';
    case 'sqlite':
      return s.name ? `SQLite database "${s.name}" (databases/${s.name})` : 'a SQLite database (name not found)';
    case 'file':
      return `${s.name ? `file "${s.name}"` : 'a file'} ${AREA_WORDS[s.area]}`;
    case 'account-manager':
      return "the AccountManager (the system's accounts database)";
  }
}

const NOUNS: Record<SessionKind, string> = {
  token: 'session token',
  password: 'password',
  session: 'session identifier',
  cookie: 'session cookie',
  secret: 'secret',
  pin: 'PIN',
  credential: 'credential',
};

/** "session token", "password", ... */
export function sessionNoun(kind: SessionKind): string {
  return NOUNS[kind];
}

/**
 * A redactor for constants in evidence: separators (":", "\n", " + ") stay readable, anything
 * with a letter or digit goes through `secret` (ctx.secret), which hides it unless --show-secrets.
 */
export function evidenceRedactor(secret: (s: string) => string): (s: string) => string {
  return (s) => (/^[^A-Za-z0-9]*$/.test(s) ? JSON.stringify(s) : secret(s));
}

/** The sentence-initial form of a phrase ("the default SharedPreferences" -> "The default ..."). */
export function capitalize(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** "LoginActivity.onLoginClicked()" */
export function methodLabel(p: { class: string; method: string }): string {
  return `${simpleClassName(p.class)}.${p.method}()`;
}
