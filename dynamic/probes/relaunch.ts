/**
 * Probe 4, relaunch after logout: force-stop the app and start it cold. An app that opens logged
 * in has kept (or restored) the session it was told to end: `ghost-login`.
 */
import { dynamicFinding } from '../findings.js';
import type { LoginState } from '../ui.js';
import type { Probe, ProbeOutcome } from './probe.js';

export function judgeRelaunch(state: LoginState, pkg: string): ProbeOutcome {
  if (state === 'in') {
    return {
      verdict: 'fail',
      summary: 'after logout and a cold relaunch the app opens logged in',
      evidence: ['terminateApp + activateApp after logout: the loggedIn marker is visible'],
      findings: [
        dynamicFinding('ghost-login', {
          message: 'After logout, a cold relaunch (force-stop, then start) opens the app logged in: the session was not ended on the device.',
          location: { file: 'AndroidManifest.xml', element: 'application' },
          evidence: 'terminateApp + activateApp after logout: the loggedIn marker is visible',
          fingerprint: [pkg],
        }),
      ],
    };
  }
  if (state === 'out') return { verdict: 'pass', summary: 'after logout a cold relaunch shows the login screen', evidence: ['terminateApp + activateApp after logout: the loggedOut marker is visible'], findings: [] };
  return { verdict: 'inconclusive', summary: 'neither marker appeared after the relaunch', evidence: [], findings: [] };
}

export const relaunch: Probe = {
  name: 'relaunch',
  title: 'cold relaunch after logout',
  precondition: (ctx) => (ctx.state.logoutDone ? null : 'logout did not complete'),
  async run(ctx) {
    const { ui, rec } = ctx;
    await rec.step('force-stop the app', () => ui.terminate());
    await rec.step('launch the app', () => ui.launch());
    const state = await rec.step('check the login state', () => ui.expectState(ctx.flow.timeouts.launchMs));
    return judgeRelaunch(state, ctx.app.package);
  },
};
