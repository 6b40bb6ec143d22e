/**
 * plaintext-session-storage: session data (tokens, session ids, cookies, passwords, PINs,
 * credentials, secrets) written to persistent storage without real encryption: SharedPreferences
 * and DataStore keys, SQLite columns (ContentValues keys, INSERT/UPDATE column lists, CREATE TABLE
 * schemas nothing else explains), files and AccountManager items, as the storage model finds them
 * (src/model/storage.ts).
 *
 * Session data is recognised by the key/column/file name (classifyKey, extended by
 * extraTokenPatterns), by a constant value's shape (JWT, bearer header...) and by where the value
 * comes from (a getter, field or input field named like a credential). A value encrypted with an
 * Android Keystore key, Tink, SQLCipher or a SecretKeyFactory-derived key is protected; one encrypted
 * with a hardcoded key, Base64-encoded, or encrypted with a key whose origin could not be traced is
 * not. EncryptedSharedPreferences/EncryptedFile protect but the library is deprecated: an info note.
 */
import { defineRule } from '../src/rules/rule.js';
import type { Severity } from '../src/report/types.js';
import { describeOrigin, describeStore, evidenceRedactor, methodLabel, modeName, sessionNoun, storageModel, type StorageWrite } from '../src/model/storage.js';

const PROTECTION_WORDS: Record<string, string> = {
  none: 'in plaintext',
  encoding: 'only Base64/hex-encoded (encoding is not encryption)',
  'untraced-key': 'encrypted with a key that does not come from the Android Keystore (its origin could not be traced)',
};

function keyLabel(w: StorageWrite): string {
  if (w.key === null) return '';
  if (w.keyFrom === 'sql-column') return `column "${w.key}"${w.table ? ` of table "${w.table}"` : ''}`;
  if (w.keyFrom === 'resource') return `key "${w.key}" from R.${(w.keyResource ?? '').replace('/', '.')}`;
  if (w.keyFrom === 'field-name') return `key held in field ${w.key}`;
  if (w.keyFrom === 'fixed') return w.key === 'password' ? 'account password' : w.key.startsWith('authtoken') ? `auth token${w.key.includes(':') ? ` of type "${w.key.slice(10)}"` : ''}` : `item "${w.key}"`;
  return `key "${w.key}"`;
}

export default defineRule({
  meta: {
    id: 'plaintext-session-storage',
    title: 'Session data stored without encryption',
    severity: 'high',
    masvs: ['MASVS-STORAGE-1'],
    mastg: ['MASTG-TEST-0287', 'MASTG-TEST-0207'],
    cwe: ['CWE-312', 'CWE-522'],
    description:
      'The app writes a session token, session id, cookie, password, PIN or other credential to SharedPreferences, DataStore, a SQLite database, a file or ' +
      'the AccountManager without encrypting it with a key the device protects. Anyone who gets a copy of the app\'s data (a backup or device-to-device ' +
      'transfer, adb run-as on a debuggable build, a rooted or forensically imaged device, a file-read bug in another component) can read the value and ' +
      'replay the session or log in as the user. Encrypting with a key hardcoded in the APK, or only Base64-encoding, does not change that: the key ships ' +
      'with every copy of the app.',
    remediation:
      'Do not store passwords at all (keep a refresh token or use the AccountManager with an authenticator instead). Encrypt tokens before storing them with ' +
      'an AES-GCM key generated in the Android Keystore (KeyGenerator.getInstance("AES", "AndroidKeyStore") with a KeyGenParameterSpec) or with Tink ' +
      '(AndroidKeysetManager, master key in the Keystore); keep only what is needed and delete it on logout. Jetpack EncryptedSharedPreferences works but ' +
      'its library (androidx.security:security-crypto) is deprecated: prefer the Keystore or Tink for new code.',
    references: [
      'https://developer.android.com/privacy-and-security/security-tips#StoringData',
      'https://developer.android.com/privacy-and-security/keystore',
      'https://developers.google.com/tink',
      'https://mas.owasp.org/MASTG/tests/android/MASVS-STORAGE/MASTG-TEST-0287/',
    ],
  },
  check(app, ctx) {
    const model = storageModel(app, { extraTokenPatterns: ctx.options.extraTokenPatterns });
    const deprecatedStores = new Map<string, StorageWrite>();
    for (const w of model.writes) {
      const s = w.session;
      if (!s) continue;
      // Flags and floats never hold a secret; whole numbers only when they are a PIN.
      if (w.valueType === 'boolean' || w.valueType === 'float') continue;
      if ((w.valueType === 'int' || w.valueType === 'long') && s.kind !== 'pin') continue;
      const p = w.protection;
      if (p.effective) {
        if (p.deprecated && !deprecatedStores.has(w.store.id)) deprecatedStores.set(w.store.id, w);
        continue;
      }
      const noun = sessionNoun(s.kind);
      const where = describeStore(w.store);
      const how = p.kind === 'hardcoded-key' ? `${p.detail}: encrypted with a hardcoded key is not protection, anyone with the APK can decrypt it` : PROTECTION_WORDS[p.kind] ?? p.detail;
      const key = keyLabel(w);
      const via = w.via ? ` (through ${methodLabel(w.via)})` : '';
      const schemaOnly = w.api === 'SQL CREATE TABLE';
      let severity: Severity = 'high';
      let confidence: 'high' | 'medium' | 'low' = s.strength === 'high' && s.by !== 'origin' ? 'high' : 'medium';
      if (p.kind === 'untraced-key') {
        severity = 'medium';
        confidence = 'low';
      }
      if (w.store.kind === 'account-manager' && w.key?.startsWith('authtoken')) severity = 'medium';
      if (schemaOnly) confidence = 'medium';
      const what = schemaOnly
        ? `The SQLite table "${w.table}" of ${where} has a ${noun} column ("${w.key}") that nothing encrypts`
        : `${methodLabel(w.at)}${via} writes a ${noun}${key ? ` (${key})` : ''} to ${where} ${how}`;
      const mode = w.store.mode !== null && w.store.kind !== 'account-manager' ? `, ${modeName(w.store.mode)}` : '';
      const evidence = [
        `${w.at.class}->${w.at.method}${w.at.proto}${w.via ? ` via ${w.via.class}->${w.via.method}${w.via.proto}` : ''}`,
        `${w.api} to ${where}${mode}`,
        ...(w.key !== null ? [keyLabel(w)] : []),
        ...(schemaOnly ? [] : [`value: ${describeOrigin(w.value, evidenceRedactor(ctx.secret))}`]),
        `protection: ${p.kind === 'none' ? 'none' : p.detail}`,
        `recognised by ${s.by === 'key' ? `the ${w.keyFrom === 'sql-column' ? 'column' : w.key !== null ? 'key' : 'file'} name` : s.by === 'value' ? "the value's shape" : "the value's origin"} ("${s.word}")`,
      ].join('; ');
      ctx.report({
        message:
          `${what}. Whoever gets a copy of the app's data (backup, device transfer, run-as on a debuggable build, a rooted device) can read it` +
          `${s.kind === 'password' || s.kind === 'pin' || s.kind === 'credential' ? ' and log in as the user' : ' and replay the session'}.`,
        location: { class: w.at.class, method: w.at.method },
        evidence,
        severity,
        confidence,
        fingerprint: [w.store.kind, w.store.name ?? '?', w.table ?? '', w.key ?? '', w.at.class, w.at.method],
      });
    }
    for (const w of deprecatedStores.values()) {
      ctx.report({
        title: 'Session data stored with the deprecated EncryptedSharedPreferences',
        message:
          `${methodLabel(w.at)} stores session data in ${describeStore(w.store)} through androidx.security.crypto (EncryptedSharedPreferences/EncryptedFile). ` +
          'It is encrypted at rest, but the library is deprecated (security-crypto 1.1.0-alpha07): plan a move to an Android Keystore key ' +
          '(KeyGenerator with "AndroidKeyStore") or Tink.',
        location: { class: w.at.class, method: w.at.method },
        evidence: `${w.at.class}->${w.at.method}${w.at.proto}; ${w.api} to ${describeStore(w.store)}; protection: ${w.protection.detail}`,
        severity: 'info',
        confidence: 'high',
        fingerprint: ['deprecated-encryption', w.store.kind, w.store.name ?? '?'],
      });
    }
  },
});
