/**
 * Findings the dynamic stage reports (stage: 'dynamic'), with their references, and how a dynamic
 * result confirms or refutes the static findings about the same flaw.
 *
 * Where a static rule with the same id exists (plaintext-session-storage,
 * external-storage-session, world-readable-storage), its meta is reused so the two stages agree.
 */
import { fingerprintOf } from '../src/rules/rule.js';
import type { Finding, FindingLocation, Severity } from '../src/report/types.js';
import { RULES } from '../static-rules/index.js';
import type { RuleMeta } from '../src/rules/rule.js';
import type { RuleDoc } from '../src/report/rule-docs.js';

/** Dynamic rules are documented like static ones. */
export type DynamicRuleMeta = RuleMeta;

const STORAGE_FIX = 'Keep tokens out of plain files: encrypt them with a key held in the Android Keystore (Tink, or AES-GCM with a Keystore key), or keep them in memory only; never store the password.';

const OWN: DynamicRuleMeta[] = [
  { id: 'plaintext-session-storage', title: 'Session token stored in plaintext', severity: 'high', masvs: ['MASVS-STORAGE-1'], mastg: ['MASTG-TEST-0287', 'MASTG-TEST-0001'], cwe: ['CWE-312'],
    description: 'After login the app wrote a session token or the password to its storage in a form anyone who can read the file can use: a backup, a rooted or debuggable device, or a forensic image.', remediation: STORAGE_FIX },
  { id: 'external-storage-session', title: 'Session data on shared (external) storage', severity: 'high', masvs: ['MASVS-STORAGE-1'], mastg: ['MASTG-TEST-0001'], cwe: ['CWE-922'],
    description: 'Session data written to shared storage (/sdcard) is readable by other apps with storage access and by the user, and it survives uninstalling the app.', remediation: 'Store session data only in the app sandbox (Context.getFilesDir(), SharedPreferences), encrypted with a Keystore key.' },
  { id: 'world-readable-storage', title: 'Session data in a world-readable file', severity: 'high', masvs: ['MASVS-STORAGE-1'], mastg: ['MASTG-TEST-0001'], cwe: ['CWE-732'],
    description: 'A file holding session data has "other" read or write permission bits, so any app on the device can open it.', remediation: 'Create files with MODE_PRIVATE (never MODE_WORLD_READABLE / chmod o+r) and encrypt session data with a Keystore key.' },
  { id: 'logout-leaves-session', title: 'Logout leaves the session on the device', severity: 'high', masvs: ['MASVS-AUTH-1', 'MASVS-STORAGE-1'], mastg: [], cwe: ['CWE-613'],
    description: 'Values written at login (tokens, the password, encrypted session blobs, accounts) are still on the device after logout. Whoever gets the file gets the session, and an app that checks for a stored token logs itself back in.', remediation: 'On logout delete every session value (SharedPreferences.edit().remove(...).commit(), database rows, files, AccountManager accounts, WebView cookies) and revoke the token on the server.' },
  { id: 'ghost-login', title: 'The app is logged in again after logout and relaunch', severity: 'high', masvs: ['MASVS-AUTH-1'], mastg: [], cwe: ['CWE-613'],
    description: 'After logout, force-stopping and starting the app shows the logged-in screens again: the session was not ended on the device.', remediation: 'Clear the stored session on logout and decide "logged in" from a session the server still accepts, not from the presence of a stored value.' },
  { id: 'back-navigation-after-logout', title: 'Post-login screens reachable after logout', severity: 'medium', masvs: ['MASVS-AUTH-1', 'MASVS-PLATFORM-1'], mastg: [], cwe: ['CWE-613', 'CWE-926'],
    description: 'After logout the back button, or starting an exported activity directly (as any app can), shows screens that should need a session.', remediation: 'Start the login screen with FLAG_ACTIVITY_NEW_TASK | FLAG_ACTIVITY_CLEAR_TASK (or finishAffinity()) on logout, set android:exported="false" on post-login activities, and check the session in onCreate/onResume of every post-login screen.' },
  { id: 'token-not-rotated', title: 'Session token not rotated at login', severity: 'medium', masvs: ['MASVS-AUTH-1'], mastg: [], cwe: ['CWE-384'],
    description: 'A second login stored the same token as the first, or an identifier the app held before login survived it: a token that leaked once stays valid across logins (session fixation).', remediation: 'Issue a new session token at every authentication and invalidate the previous one on the server.' },
  { id: 'reinstall-restores-session', title: 'Reinstalling the app restores the session (backup)', severity: 'high', masvs: ['MASVS-STORAGE-2'], mastg: ['MASTG-TEST-0009'], cwe: ['CWE-530', 'CWE-312'],
    description: 'After a backup, uninstall and reinstall the app is logged in again or has the previous session values back: cloud backups and device-to-device transfers carry the session to wherever they are restored.', remediation: 'Exclude session files from backup (android:fullBackupContent and android:dataExtractionRules with <exclude domain="sharedpref" path="..."/>), or store them in no_backup/, or set android:allowBackup="false".' },
  { id: 'long-lived-token', title: 'Long-lived session token', severity: 'medium', masvs: ['MASVS-AUTH-1'], mastg: [], cwe: ['CWE-613'],
    description: 'A JWT stored on the device is valid for more than 8 hours, or has no expiry at all: a stolen token stays useful for that long.', remediation: 'Give access tokens a short lifetime (minutes to a few hours) and renew them with a refresh token that the server can revoke.' },
  { id: 'token-valid-after-logout', title: 'The server accepts the token after logout', severity: 'high', masvs: ['MASVS-AUTH-1'], mastg: [], cwe: ['CWE-613'],
    description: 'Replaying the token of a logged-out session against the server still succeeds: logout only forgot the token on the device.', remediation: 'Revoke the session on the server at logout (delete it, or add the token to a deny list until it expires) and reject revoked tokens with 401.' },
];

export const DYNAMIC_RULES: ReadonlyMap<string, DynamicRuleMeta> = new Map(
  OWN.map((m) => {
    const stat = RULES.find((r) => r.meta.id === m.id)?.meta;
    return [m.id, stat ? { ...m, title: stat.title, masvs: stat.masvs, mastg: stat.mastg.length ? stat.mastg : m.mastg, cwe: stat.cwe, description: stat.description, remediation: stat.remediation } : m];
  }),
);

/** The rule documentation the renderers get: every static rule, then the dynamic-only ones. */
export function allRuleDocs(): RuleDoc[] {
  const statics: RuleDoc[] = RULES.map((r) => r.meta);
  const known = new Set(statics.map((r) => r.id));
  return [...statics, ...[...DYNAMIC_RULES.values()].filter((m) => !known.has(m.id))];
}

export interface DynamicFindingInput {
  message: string;
  location: FindingLocation;
  evidence?: string;
  severity?: Severity;
  confidence?: Finding['confidence'];
  /** Names that make it the same flaw in another run (package, file, key); never values. */
  fingerprint: string[];
}

export function dynamicFinding(ruleId: string, input: DynamicFindingInput): Finding {
  const meta = DYNAMIC_RULES.get(ruleId);
  if (!meta) throw new Error(`unknown dynamic rule ${ruleId}`);
  return {
    ruleId,
    stage: 'dynamic',
    severity: input.severity ?? meta.severity,
    confidence: input.confidence ?? 'high',
    title: meta.title,
    message: input.message,
    location: input.location,
    ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
    fingerprint: fingerprintOf(ruleId, ['dynamic', ...input.fingerprint]),
    masvs: meta.masvs,
    mastg: meta.mastg,
    cwe: meta.cwe,
  };
}
