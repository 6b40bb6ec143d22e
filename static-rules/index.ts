/**
 * Every static rule, in the order they run and are documented. Adding a rule: create
 * `static-rules/<id>.ts` exporting `defineRule({...})` as default, list it here, add
 * `test/rules/<id>.test.ts`, then `npm run docs` to regenerate docs/rules.md.
 */
import type { Rule } from '../src/rules/rule.js';
// Network and manifest rules.
import cleartextTraffic from './cleartext-traffic.js';
import nscTrust from './nsc-trust.js';
import debuggable from './debuggable.js';
import testOnly from './test-only.js';
import exportedSessionComponent from './exported-session-component.js';
// Storage rules (they share src/model/storage.ts).
import plaintextSessionStorage from './plaintext-session-storage.js';
import externalStorageSession from './external-storage-session.js';
import worldReadableStorage from './world-readable-storage.js';
import appBackup from './app-backup.js';
import sessionNotCleared from './session-not-cleared.js';
import tokenLogging from './token-logging.js';
// Code and content rules (WebView, randomness, secrets, hybrid-app storage).
import webviewSession from './webview-session.js';
import weakTokenRandomness from './weak-token-randomness.js';
import hardcodedSecret from './hardcoded-secret.js';
import hybridAppStorage from './hybrid-app-storage.js';

export const RULES: readonly Rule[] = [
  // Network and manifest rules.
  cleartextTraffic,
  nscTrust,
  debuggable,
  testOnly,
  exportedSessionComponent,
  // Storage rules.
  plaintextSessionStorage,
  externalStorageSession,
  worldReadableStorage,
  appBackup,
  sessionNotCleared,
  tokenLogging,
  // Code and content rules.
  webviewSession,
  weakTokenRandomness,
  hardcodedSecret,
  hybridAppStorage,
];
