/**
 * Probe 5, post-login screens after logout: log out, press back, and start each exported
 * activity (other than the launcher) directly with `mobile: startActivity`, as any other app
 * could. A post-login screen (the loggedIn marker) on either path is
 * `back-navigation-after-logout`.
 */
import { dynamicFinding } from '../findings.js';
import type { Finding } from '../../src/report/types.js';
import { APP_STATE, sleep, type LoginState } from '../ui.js';
import { DeviceError, FATAL_KINDS } from '../session.js';
import type { Probe, ProbeOutcome } from './probe.js';

export interface DirectLaunch {
  activity: string;
  /** 'refused' when the system would not start it (not exported, permission). */
  result: LoginState | 'refused' | 'left-app';
  detail?: string;
}

export function judgeBackNavigation(back: LoginState | 'left-app', launches: readonly DirectLaunch[], pkg: string): ProbeOutcome {
  const evidence: string[] = [];
  const findings: Finding[] = [];
  evidence.push(back === 'in' ? 'back after logout: the loggedIn marker is visible' : back === 'left-app' ? 'back after logout: the app left the foreground' : back === 'out' ? 'back after logout: still the logged-out screen' : 'back after logout: neither marker visible');
  if (back === 'in') {
    findings.push(
      dynamicFinding('back-navigation-after-logout', {
        message: 'After logout, the back button returns to a post-login screen: the back stack was not cleared (FLAG_ACTIVITY_CLEAR_TASK / finishAffinity()).',
        location: { file: 'AndroidManifest.xml', element: 'activity' },
        evidence: 'logout, then back: the loggedIn marker is visible',
        fingerprint: [pkg, 'back'],
      }),
    );
  }
  for (const l of launches) {
    evidence.push(`start ${l.activity} after logout: ${l.result === 'in' ? 'the loggedIn marker is visible' : l.result === 'refused' ? `refused${l.detail ? ` (${l.detail})` : ''}` : l.result === 'out' ? 'the logged-out screen' : l.result === 'left-app' ? 'the app did not come to the foreground' : 'neither marker visible'}`);
    if (l.result === 'in') {
      findings.push(
        dynamicFinding('back-navigation-after-logout', {
          message: `After logout, starting the exported activity ${l.activity} directly shows a post-login screen: any app on the device can open it.`,
          location: { file: 'AndroidManifest.xml', element: 'activity', class: l.activity },
          evidence: `mobile: startActivity ${pkg}/${l.activity} after logout: the loggedIn marker is visible`,
          fingerprint: [pkg, 'direct', l.activity],
        }),
      );
    }
  }
  if (findings.length) return { verdict: 'fail', summary: `${findings.length} way${findings.length === 1 ? '' : 's'} back to a post-login screen after logout`, evidence, findings };
  if (back === 'unknown' || launches.some((l) => l.result === 'unknown')) {
    return { verdict: 'inconclusive', summary: 'a screen after logout showed neither marker', evidence, findings };
  }
  return {
    verdict: 'pass',
    summary: `back after logout does not reach a post-login screen; ${launches.length ? `${launches.length} exported activit${launches.length === 1 ? 'y' : 'ies'} started directly show no post-login screen` : 'no exported post-login activity to start'}`,
    evidence,
    findings,
  };
}

export const backNavigation: Probe = {
  name: 'back-navigation',
  title: 'back button and direct launch after logout',
  precondition: (ctx) => (ctx.state.logoutDone ? null : 'logout did not complete'),
  async run(ctx) {
    const { ui, rec, device, app } = ctx;
    // Reach "just logged out" with post-login screens on the back stack.
    const st = await ui.appState();
    if (st !== APP_STATE.foreground) await rec.step('bring the app to the foreground', () => ui.launch());
    const s = await rec.step('check the login state', () => ui.expectState(ctx.flow.timeouts.launchMs));
    if (s === 'out') await ui.login('log in');
    await ui.logout('log out');
    await rec.step('press back', () => device.back());
    const back = await rec.step('check the screen after back', async () => {
      await sleep(ui.settleMs);
      const state = await ui.appState();
      if (state !== APP_STATE.foreground) return 'left-app' as const;
      return ui.state(3000);
    });
    const launches: DirectLaunch[] = [];
    for (const activity of app.exportedActivities) {
      await rec.step('force-stop the app', () => ui.terminate());
      const l = await rec.step(`start ${activity.replace(`${app.package}.`, '.')} directly`, async (): Promise<DirectLaunch> => {
        try {
          await device.execute('mobile: startActivity', { component: `${app.package}/${activity}`, wait: true });
        } catch (err) {
          if (err instanceof DeviceError && FATAL_KINDS.includes(err.kind)) throw err;
          return { activity, result: 'refused', detail: (err as Error).message.slice(0, 200) };
        }
        await sleep(ui.settleMs);
        if ((await ui.appState()) !== APP_STATE.foreground) return { activity, result: 'left-app' };
        return { activity, result: await ui.state(3000) };
      });
      launches.push(l);
    }
    await rec.step('force-stop the app', () => ui.terminate());
    return judgeBackNavigation(back, launches, app.package);
  },
};
