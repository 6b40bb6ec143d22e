/**
 * Each probe's verdict logic against recorded device states: the files an app left at each point
 * of the run (as a device lists and reads them), read through DeviceFs and inspect() exactly as
 * during a run, then judged.
 */
import { describe, expect, it } from 'vitest';
import { DeviceFs } from '../../dynamic/device-fs.js';
import { inspect, newAccounts, type Inspection } from '../../dynamic/inspect.js';
import { sha256 } from '../../dynamic/secrets.js';
import { judgeBaseline } from '../../dynamic/probes/baseline.js';
import { judgeLogin } from '../../dynamic/probes/login.js';
import { judgeLogout } from '../../dynamic/probes/logout.js';
import { judgeRelaunch } from '../../dynamic/probes/relaunch.js';
import { judgeBackNavigation } from '../../dynamic/probes/back-navigation.js';
import { judgeRotation } from '../../dynamic/probes/rotation.js';
import { judgeReinstall, parseBackupNow, type ReinstallObservation } from '../../dynamic/probes/reinstall.js';
import { judgeLifetime } from '../../dynamic/probes/token-lifetime.js';
import { buildRequest, judgeRevocation, pickToken } from '../../dynamic/probes/revocation.js';
import type { RequestTemplate } from '../../dynamic/flow.js';
import { RecordedDevice, jwt, prefs } from './recorded.js';

const PKG = 'com.example.insecureinvoice';
const PASSWORD = 'Corr3ct-Horse-Battery!';
const CLASSIFY = { passwordHashes: new Set([sha256(PASSWORD)]) };
const NOW = 1_763_770_000;
const T1 = jwt({ sub: 'alice', nonce: 1, iat: NOW, exp: NOW + 31_536_000 });
const T2 = jwt({ sub: 'alice', nonce: 2, iat: NOW + 60, exp: NOW + 60 + 900 });

async function look(d: RecordedDevice, since: Inspection | null, debuggable = true): Promise<Inspection> {
  const fs = new DeviceFs(d, PKG, { debuggable, candidates: ['shared_prefs/session.xml'] });
  const snap = await fs.snapshot();
  return inspect(fs, snap, { since: since?.snapshot ?? null, classify: CLASSIFY, accounts: await fs.accounts() });
}

/** The insecure app: login writes token, password and user in plaintext; logout leaves them. */
async function insecureRun() {
  const d = new RecordedDevice(PKG, { root: true, accounts: [{ name: 'someone@gmail.com', type: 'com.google' }] });
  d.put('shared_prefs/WebViewChromiumPrefs.xml', prefs({ lastVersion: '120' }));
  const s0 = await look(d, null);
  d.put('shared_prefs/session.xml', prefs({ auth_token: T1, password: PASSWORD, user: 'alice@example.com' }));
  d.accounts.push({ name: 'alice@example.com', type: 'com.example.invoice.account' });
  const s1 = await look(d, s0);
  return { d, s0, s1 };
}

describe('baseline', () => {
  it('passes with a complete listing, is inconclusive without access or when the app starts logged in', async () => {
    const d = new RecordedDevice(PKG, { root: true });
    expect(judgeBaseline(await look(d, null), 'out', false).verdict).toBe('pass');
    expect(judgeBaseline(await look(d, null), 'in', false).verdict).toBe('inconclusive');
    const none = new RecordedDevice(PKG, { root: false, debuggable: false });
    const j = judgeBaseline(await look(none, null, false), 'out', true);
    expect(j.verdict).toBe('inconclusive');
    expect(j.evidence.join('\n')).toMatch(/restored from an earlier backup/);
  });
});

describe('login', () => {
  it('fails with plaintext-session-storage for the token and (critical) for the password; the new account is an artifact', async () => {
    const { s0, s1 } = await insecureRun();
    const j = judgeLogin(s1, PKG, { pulled: new Set(), baselineAccounts: s0.accounts });
    expect(j.verdict).toBe('fail');
    expect(j.findings.map((f) => [f.ruleId, f.severity, f.location.element])).toEqual([
      ['plaintext-session-storage', 'high', 'auth_token'],
      ['plaintext-session-storage', 'critical', 'password'],
    ]);
    expect(j.findings.every((f) => f.stage === 'dynamic')).toBe(true);
    expect(j.findings[0]!.location.file).toBe(`/data/data/${PKG}/shared_prefs/session.xml`);
    // What goes into the report (the raw values stay in memory, in j.artifacts, for later probes).
    const text = JSON.stringify({ summary: j.summary, evidence: j.evidence, findings: j.findings });
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(T1);
    expect(j.artifacts.map((a) => a.kind).sort()).toEqual(['account', 'jwt', 'password']);
  });

  it('flags world-readable files and shared storage, but not a mode that pullFile changed', async () => {
    const d = new RecordedDevice(PKG, { root: true });
    const s0 = await look(d, null);
    d.put('shared_prefs/session.xml', prefs({ auth_token: T1 }), 0o664);
    d.put('/sdcard/Download/insecure-invoice-session.txt', `${T1}\n`);
    const s1 = await look(d, s0);
    const j = judgeLogin(s1, PKG, { pulled: new Set(), baselineAccounts: [] });
    expect(j.findings.map((f) => f.ruleId).sort()).toEqual(['external-storage-session', 'plaintext-session-storage', 'world-readable-storage']);
    expect(judgeLogin(s1, PKG, { pulled: new Set(['shared_prefs/session.xml']), baselineAccounts: [] }).findings.map((f) => f.ruleId)).not.toContain('world-readable-storage');
  });

  it('passes for an encrypted session, and is inconclusive (never pass) when storage could not be read', async () => {
    const d = new RecordedDevice('com.example.secureinvoice', { root: true });
    const fs = new DeviceFs(d, 'com.example.secureinvoice', { debuggable: false });
    const s0 = await inspect(fs, await fs.snapshot(), { since: null, classify: CLASSIFY });
    d.put('shared_prefs/session.xml', prefs({ auth_token_enc: 'q83vEjRWeJq8/u3c1e7/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw=', auth_token_iv: 'AAECAwQFBgcICQoL' }));
    const s1 = await inspect(fs, await fs.snapshot(), { since: s0.snapshot, classify: CLASSIFY });
    const j = judgeLogin(s1, 'com.example.secureinvoice', { pulled: new Set(), baselineAccounts: [] });
    expect(j.verdict).toBe('pass');
    expect(j.summary).toMatch(/2 encrypted values/);

    const none = new RecordedDevice(PKG, { root: false, debuggable: false });
    none.put('shared_prefs/session.xml', prefs({ auth_token: T1 }));
    const n1 = await look(none, null, false);
    expect(judgeLogin(n1, PKG, { pulled: new Set(), baselineAccounts: [] }).verdict).toBe('inconclusive');
  });
});

describe('logout', () => {
  it('fails when a login value is still on disk (by hash, wherever it moved), passes when all are gone', async () => {
    const { d, s0, s1 } = await insecureRun();
    const artifacts = judgeLogin(s1, PKG, { pulled: new Set(), baselineAccounts: s0.accounts }).artifacts;
    // logout: the token moved to another file, the password stayed, the account was removed
    d.put('shared_prefs/session.xml', prefs({ password: PASSWORD, user: 'alice@example.com' }));
    d.put('files/cache.json', `{"last":"${T1}"}`);
    d.accounts = d.accounts.filter((a) => a.type === 'com.google');
    const j = judgeLogout(artifacts, await look(d, s0), PKG);
    expect(j.verdict).toBe('fail');
    expect(j.findings.map((f) => f.ruleId)).toEqual(['logout-leaves-session', 'logout-leaves-session']);
    expect(j.findings.map((f) => f.message).join('\n')).toMatch(/found in files\/cache\.json/);
    expect(j.summary).toBe('2 of 3 session values written at login survive logout');

    d.put('shared_prefs/session.xml', prefs({}));
    d.remove('files/cache.json');
    const k = judgeLogout(artifacts, await look(d, s0), PKG);
    expect(k.verdict).toBe('pass');
  });

  it('an account left after logout is reported (medium); no access is inconclusive', async () => {
    const { d, s0, s1 } = await insecureRun();
    const artifacts = judgeLogin(s1, PKG, { pulled: new Set(), baselineAccounts: s0.accounts }).artifacts;
    d.put('shared_prefs/session.xml', prefs({}));
    const j = judgeLogout(artifacts, await look(d, s0), PKG);
    expect(j.findings).toHaveLength(1);
    expect(j.findings[0]).toMatchObject({ ruleId: 'logout-leaves-session', severity: 'medium', location: { file: 'AccountManager' } });
    const none = new RecordedDevice(PKG, { root: false, debuggable: false });
    expect(judgeLogout(artifacts, await look(none, null, false), PKG).verdict).toBe('inconclusive');
  });
});

describe('relaunch and back navigation', () => {
  it('ghost-login when the app opens logged in after logout', () => {
    expect(judgeRelaunch('in', PKG)).toMatchObject({ verdict: 'fail', findings: [{ ruleId: 'ghost-login' }] });
    expect(judgeRelaunch('out', PKG).verdict).toBe('pass');
    expect(judgeRelaunch('unknown', PKG).verdict).toBe('inconclusive');
  });

  it('back-navigation-after-logout for the back button and for each exported activity that shows a post-login screen', () => {
    const j = judgeBackNavigation('in', [{ activity: `${PKG}.InvoicesActivity`, result: 'in' }, { activity: `${PKG}.AboutActivity`, result: 'out' }], PKG);
    expect(j.verdict).toBe('fail');
    expect(j.findings.map((f) => f.location.class ?? 'back')).toEqual(['back', `${PKG}.InvoicesActivity`]);
    expect(judgeBackNavigation('left-app', [{ activity: 'x', result: 'refused', detail: 'SecurityException' }], PKG).verdict).toBe('pass');
    expect(judgeBackNavigation('out', [], PKG).summary).toMatch(/no exported post-login activity/);
    expect(judgeBackNavigation('unknown', [], PKG).verdict).toBe('inconclusive');
  });
});

describe('rotation', () => {
  it('fails when the second login stores the same token at the same place, passes for a new one', async () => {
    const { d, s0, s1 } = await insecureRun();
    const first = judgeLogin(s1, PKG, { pulled: new Set(), baselineAccounts: s0.accounts }).artifacts;
    const same = judgeRotation({ first, second: await look(d, s0), preLogin: s0.artifacts, firstHashes: s1.hashes, pkg: PKG });
    expect(same).toMatchObject({ verdict: 'fail', findings: [{ ruleId: 'token-not-rotated', location: { element: 'auth_token' } }] });
    d.put('shared_prefs/session.xml', prefs({ auth_token: T2, password: PASSWORD, user: 'alice@example.com' }));
    expect(judgeRotation({ first, second: await look(d, s0), preLogin: s0.artifacts, firstHashes: s1.hashes, pkg: PKG }).verdict).toBe('pass');
  });

  it('a pre-login identifier that survives login is session fixation', async () => {
    const d = new RecordedDevice(PKG, { root: true });
    d.put('shared_prefs/cookies.xml', prefs({ JSESSIONID: 'A1B2C3D4E5F60718293A4B5C6D7E8F90' }));
    const s0 = await look(d, null);
    d.put('shared_prefs/session.xml', prefs({ auth_token: T1 }));
    const s1 = await look(d, s0);
    const first = s1.artifacts;
    // The cookie file is unchanged, so only its survival (by hash in S1's files or the baseline) matters.
    const s1All = await look(d, null);
    d.put('shared_prefs/session.xml', prefs({ auth_token: T2 }));
    const j = judgeRotation({ first, second: await look(d, s0), preLogin: s0.artifacts, firstHashes: s1All.hashes, pkg: PKG });
    expect(j.verdict).toBe('fail');
    expect(j.findings[0]!.message).toMatch(/session fixation/);
  });

  it('is inconclusive for encrypted tokens whose ciphertext changed, and fails when it did not', async () => {
    const d = new RecordedDevice(PKG, { root: true });
    const s0 = await look(d, null);
    d.put('shared_prefs/session.xml', prefs({ auth_token_enc: 'q83vEjRWeJq8/u3c1e7/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw=' }));
    const s1 = await look(d, s0);
    expect(judgeRotation({ first: s1.artifacts, second: await look(d, s0), preLogin: [], firstHashes: s1.hashes, pkg: PKG }).verdict).toBe('fail');
    d.put('shared_prefs/session.xml', prefs({ auth_token_enc: 'zzzvEjRWeJq8/u3c1e7/AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw=' }));
    const j = judgeRotation({ first: s1.artifacts, second: await look(d, s0), preLogin: [], firstHashes: s1.hashes, pkg: PKG });
    expect(j.verdict).toBe('inconclusive');
    expect(j.summary).toMatch(/encrypted/);
  });
});

describe('reinstall', () => {
  async function observation(restored: boolean, state: 'in' | 'out', control: 'in' | 'out', backup: ReinstallObservation['backup']['result'] = 'success'): Promise<ReinstallObservation> {
    const { d, s0, s1 } = await insecureRun();
    d.files.clear();
    if (restored) d.put('shared_prefs/session.xml', prefs({ auth_token: T1 }));
    return {
      current: s1.artifacts,
      control: { state: control, kept: control === 'in' ? 2 : 0, complete: true },
      backup: { transport: 'com.android.localtransport/.LocalTransport', result: backup, detail: '', restore: 'auto' },
      sharedSurvivors: [],
      after: { state, inspection: await look(d, s0) },
    };
  }

  it('fails when the session comes back (UI or values), passes when neither does and the control kept the session', async () => {
    expect((await judgeReinstall(await observation(true, 'in', 'in'), PKG)).findings[0]!.ruleId).toBe('reinstall-restores-session');
    expect(judgeReinstall(await observation(true, 'out', 'in'), PKG).verdict).toBe('fail');
    expect(judgeReinstall(await observation(false, 'out', 'in'), PKG).verdict).toBe('pass');
  });

  it('is inconclusive when the control lost the session too, or the backup failed', async () => {
    expect(judgeReinstall(await observation(false, 'out', 'out'), PKG).summary).toMatch(/control update/);
    expect(judgeReinstall(await observation(false, 'out', 'in', 'failed'), PKG).verdict).toBe('inconclusive');
  });

  it('parses bmgr backupnow results', () => {
    expect(parseBackupNow(`Running incremental backup for 1 requested packages.\nPackage ${PKG} with result: Success\nBackup finished with result: Success`, PKG).result).toBe('success');
    expect(parseBackupNow(`Package ${PKG} with result: Backup is not allowed`, PKG).result).toBe('not-allowed');
    expect(parseBackupNow(`Package ${PKG} with result: Transport error`, PKG).result).toBe('failed');
  });
});

describe('token lifetime', () => {
  it('long-lived-token above 8 hours or without exp; pass within; inconclusive for opaque tokens', async () => {
    const { s1 } = await insecureRun();
    const at = NOW * 1000;
    const tok = s1.artifacts.filter((a) => a.kind === 'jwt').map((artifact) => ({ artifact, at }));
    const j = judgeLifetime(tok, PKG);
    expect(j).toMatchObject({ verdict: 'fail', findings: [{ ruleId: 'long-lived-token' }] });
    expect(j.findings[0]!.message).toMatch(/365 days/);
    const short = { ...tok[0]!.artifact, sha256: 'x', jwt: { iat: NOW, exp: NOW + 900 } };
    expect(judgeLifetime([{ artifact: short, at }], PKG).verdict).toBe('pass');
    const noExp = { ...tok[0]!.artifact, sha256: 'y', jwt: { iat: NOW, exp: null } };
    expect(judgeLifetime([{ artifact: noExp, at }], PKG).findings[0]!.message).toMatch(/no exp claim/);
    const noIat = { ...tok[0]!.artifact, sha256: 'z', jwt: { iat: null, exp: NOW + 3600 } };
    expect(judgeLifetime([{ artifact: noIat, at }], PKG).verdict).toBe('pass');
    const opaque = { ...tok[0]!.artifact, kind: 'opaque-token' as const, jwt: null };
    expect(judgeLifetime([{ artifact: opaque, at }], PKG).verdict).toBe('inconclusive');
    expect(judgeLifetime([], PKG).verdict).toBe('inconclusive');
  });
});

describe('revocation', () => {
  const t: RequestTemplate = { method: 'GET', url: 'https://api.example.com/v1/me?t=${token}', headers: { Authorization: 'Bearer ${token}' }, body: null, rejected: [401, 403] };

  it('fills the template and never shows the token in evidence', async () => {
    const { s1 } = await insecureRun();
    const token = pickToken(s1.artifacts)!;
    expect(token.kind).toBe('jwt');
    const r = buildRequest(t, token.value);
    expect((r.init.headers as Record<string, string>).Authorization).toBe(`Bearer ${T1}`);
    const fail = judgeRevocation({ status: 200 }, t, token, PKG);
    expect(fail).toMatchObject({ verdict: 'fail', findings: [{ ruleId: 'token-valid-after-logout' }] });
    expect(JSON.stringify(fail)).not.toContain(T1);
    expect(judgeRevocation({ status: 401 }, t, token, PKG).verdict).toBe('pass');
    expect(judgeRevocation({ status: 404 }, t, token, PKG).verdict).toBe('fail');
    expect(judgeRevocation({ error: 'ECONNREFUSED' }, t, token, PKG).verdict).toBe('inconclusive');
  });

  it('newAccounts lists only accounts added since the baseline', () => {
    expect(newAccounts([{ name: 'a', type: 't' }], [{ name: 'a', type: 't' }, { name: 'b', type: 't' }]).map((a) => a.value)).toEqual(['b']);
  });
});
