/**
 * Probe 2, storage after login: log in, send the app to the background (onPause/onStop flush
 * SharedPreferences.apply()), take snapshot S1. Files new or changed since S0 hold the session
 * artifacts; plaintext tokens and the typed password there are `plaintext-session-storage`, on
 * shared storage `external-storage-session`, in a world-readable file `world-readable-storage`.
 */
import { describeMode, worldAccessible, type Artifact } from '../artifacts.js';
import { dynamicFinding } from '../findings.js';
import { newAccounts, type Inspection } from '../inspect.js';
import type { Finding } from '../../src/report/types.js';
import { accessNote, describeArtifact, devicePath, PLAINTEXT_TOKEN_KINDS, showValue, takeSnapshot, uniqueArtifacts, uniqueFindings, type Probe, type ProbeOutcome } from './probe.js';

export interface LoginJudgement extends ProbeOutcome {
  /** Every session artifact written at login (plaintext or not). */
  artifacts: Artifact[];
}

export function judgeLogin(i: Inspection, pkg: string, opts: { pulled: Set<string>; baselineAccounts: Inspection['accounts'] }): LoginJudgement {
  const accounts = newAccounts(opts.baselineAccounts, i.accounts);
  const artifacts = uniqueArtifacts([...i.artifacts, ...accounts]);
  const evidence = [accessNote(i)];
  const findings: Finding[] = [];
  const plaintext = i.artifacts.filter((a) => a.plaintext && (PLAINTEXT_TOKEN_KINDS.has(a.kind) || a.kind === 'password' || a.kind === 'credential'));
  for (const a of plaintext) {
    const isPassword = a.kind === 'password' || a.kind === 'credential';
    const what = a.kind === 'password' ? 'the password typed at login' : isPassword ? 'a password-like value' : `a ${a.kind === 'jwt' ? 'JWT' : a.kind === 'session-id' ? 'session id' : 'token'}`;
    if (a.area === 'shared') {
      findings.push(
        dynamicFinding('external-storage-session', {
          message: `After login the app wrote ${what} to shared storage (${a.file}), which other apps and the user can read, and which survives uninstall.`,
          location: { file: a.file, element: a.key ?? undefined },
          evidence: describeArtifact(a),
          confidence: a.confidence,
          fingerprint: [pkg, a.file.replace(/\/\d+/g, '/N'), a.key ?? a.kind],
        }),
      );
      continue;
    }
    findings.push(
      dynamicFinding('plaintext-session-storage', {
        message: `After login the app stored ${what} in plaintext in ${devicePath(a, pkg)} (${a.where}); anyone with a backup, root or a debuggable build reads it.`,
        location: { file: devicePath(a, pkg), element: a.key ?? undefined },
        evidence: describeArtifact(a),
        severity: a.kind === 'password' ? 'critical' : undefined,
        confidence: a.confidence,
        fingerprint: [pkg, a.file, a.key ?? a.kind],
      }),
    );
  }
  const worldFiles = new Map<string, Artifact>();
  for (const a of i.artifacts) if (a.area === 'data' && worldAccessible(a.mode) && !opts.pulled.has(a.file)) worldFiles.set(a.file, a);
  for (const [file, a] of worldFiles) {
    findings.push(
      dynamicFinding('world-readable-storage', {
        message: `${devicePath(a, pkg)} holds session data and has mode ${describeMode(a.mode)}: other apps on the device can read it.`,
        location: { file: devicePath(a, pkg) },
        evidence: `mode ${describeMode(a.mode)}; ${showValue(a)}`,
        fingerprint: [pkg, file],
      }),
    );
  }
  for (const a of artifacts) evidence.push(describeArtifact(a));
  findings.splice(0, findings.length, ...uniqueFindings(findings));
  if (!artifacts.length) evidence.push('no session values in the files written at login');
  if (findings.length) {
    const kinds = [...new Set(findings.map((f) => f.ruleId))].join(', ');
    return { verdict: 'fail', summary: `${findings.length} finding${findings.length === 1 ? '' : 's'} (${kinds}) in the files written at login`, evidence, findings, artifacts };
  }
  if (!i.complete) {
    return { verdict: 'inconclusive', summary: `no plaintext session data found, but the storage could not be read completely (${i.snapshot.access})`, evidence, findings, artifacts };
  }
  const enc = artifacts.filter((a) => a.kind === 'encrypted').length;
  return {
    verdict: 'pass',
    summary: artifacts.length ? `the session is stored protected (${enc} encrypted value${enc === 1 ? '' : 's'}${accounts.length ? `, ${accounts.length} account${accounts.length === 1 ? '' : 's'}` : ''}); no plaintext token or password` : 'no session data written to storage after login',
    evidence,
    findings,
    artifacts,
  };
}

export const login: Probe = {
  name: 'login',
  title: 'what login writes to storage',
  precondition: (ctx) => (ctx.state.baseline ? null : 'the baseline did not complete'),
  async run(ctx) {
    const { ui, rec } = ctx;
    if (!ctx.flow.login.length && ctx.discoverLogin) await rec.step('find the login form (autopilot)', () => ctx.discoverLogin!());
    const at = Date.now();
    await ui.login('log in');
    await rec.step('send the app to the background (flush writes)', () => ui.background());
    const i = await takeSnapshot(ctx, 'snapshot S1 (after login)');
    let inspection = i;
    if ((await ui.comeBack()) === 'relogged') {
      // The app did not keep the session across the background/foreground cycle: the second
      // login may have replaced the values, so its files count as well.
      const again = await takeSnapshot(ctx, 'snapshot S1b (after logging in again)');
      inspection = { ...again, artifacts: [...i.artifacts, ...again.artifacts], complete: i.complete && again.complete };
    }
    const j = judgeLogin(inspection, ctx.app.package, { pulled: ctx.fs.pulled, baselineAccounts: ctx.state.baselineAccounts });
    ctx.state.login = { inspection: i, artifacts: j.artifacts, at };
    for (const a of j.artifacts) if (a.plaintext && PLAINTEXT_TOKEN_KINDS.has(a.kind)) ctx.state.tokens.push({ artifact: a, at });
    return j;
  },
};
