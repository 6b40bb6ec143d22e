/**
 * Probe 3, logout: log out, background the app (flush writes), take snapshot S2, and look for
 * every session value written at login (probe 2) by its hash, anywhere in the app's storage and
 * on shared storage. A value still there is `logout-leaves-session`: whoever gets the file gets
 * the session, and an app that checks "token present" logs itself back in.
 */
import type { Artifact } from '../artifacts.js';
import { dynamicFinding } from '../findings.js';
import { stillPresent, type Inspection } from '../inspect.js';
import { accessNote, devicePath, showValue, takeSnapshot, uniqueFindings, type Probe, type ProbeOutcome } from './probe.js';

export function judgeLogout(loginArtifacts: readonly Artifact[], after: Inspection, pkg: string): ProbeOutcome {
  const evidence = [accessNote(after)];
  const survivors = stillPresent(loginArtifacts, after);
  const findings = uniqueFindings(
    survivors.map(({ artifact: a, foundIn }) =>
      dynamicFinding('logout-leaves-session', {
        message:
          a.area === 'accounts'
            ? `After logout the AccountManager account of type ${a.key} added at login is still on the device.`
            : `After logout the ${a.kind === 'password' ? 'password typed at login' : a.kind === 'encrypted' ? 'encrypted session value' : a.kind === 'jwt' ? 'JWT' : 'session value'} written at login (${devicePath(a, pkg)}, ${a.where}) is still on the device${foundIn !== a.file ? ` (found in ${foundIn})` : ''}.`,
        location: a.area === 'accounts' ? { file: 'AccountManager', element: a.key ?? undefined } : { file: devicePath(a, pkg), element: a.key ?? undefined },
        evidence: `${foundIn}: ${showValue(a)}`,
        confidence: a.kind === 'encrypted' || a.kind === 'account' ? 'medium' : a.confidence,
        severity: a.kind === 'account' ? 'medium' : undefined,
        fingerprint: [pkg, a.area, a.file, a.key ?? a.kind],
      }),
    ),
  );
  for (const s of survivors) evidence.push(`still present: ${s.foundIn}: ${showValue(s.artifact)}`);
  if (findings.length) {
    return { verdict: 'fail', summary: `${survivors.length} of ${loginArtifacts.length} session value${loginArtifacts.length === 1 ? '' : 's'} written at login survive logout`, evidence, findings };
  }
  if (!after.complete) return { verdict: 'inconclusive', summary: `no login value found after logout, but the storage could not be read completely (${after.snapshot.access})`, evidence, findings };
  if (!loginArtifacts.length) return { verdict: 'pass', summary: 'login stored no session values, and none are on the device after logout', evidence, findings };
  return { verdict: 'pass', summary: `all ${loginArtifacts.length} session value${loginArtifacts.length === 1 ? '' : 's'} written at login are gone after logout`, evidence, findings };
}

export const logout: Probe = {
  name: 'logout',
  title: 'what logout leaves behind',
  precondition: (ctx) => (ctx.state.login ? null : 'login did not complete'),
  async run(ctx) {
    const { ui, rec } = ctx;
    await ui.rec.step('check the login state', () => ui.expect(ctx.flow.loggedIn, 'the loggedIn marker', ctx.flow.timeouts.launchMs));
    if (!ctx.flow.logout.length && ctx.discoverLogout) await rec.step('find the logout control (autopilot)', () => ctx.discoverLogout!());
    else await ui.logout('log out');
    ctx.state.logoutDone = true;
    ctx.state.loggedOutTokens = ctx.state.tokens.map((t) => t.artifact);
    await rec.step('send the app to the background (flush writes)', () => ui.background());
    const i = await takeSnapshot(ctx, 'snapshot S2 (after logout)');
    await rec.step('bring the app back', () => ui.launch());
    return judgeLogout(ctx.state.login!.artifacts, i, ctx.app.package);
  },
};
