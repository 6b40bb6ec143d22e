/**
 * Probe 1, clean baseline: remove the app, install it, make sure nothing was restored from an
 * earlier backup, launch it and take snapshot S0. Every later probe compares against S0, so its
 * verdict says whether the storage could be read at all.
 */
import { DeviceError } from '../session.js';
import { Fault } from '../ui.js';
import type { Inspection } from '../inspect.js';
import { accessNote, takeSnapshot, type Probe, type ProbeOutcome } from './probe.js';

export function judgeBaseline(i: Inspection, screen: 'in' | 'out' | 'unknown', restoredCleared: boolean): ProbeOutcome {
  const evidence = [accessNote(i), ...i.snapshot.notes];
  if (restoredCleared) evidence.push('files restored from an earlier backup at install time were cleared (pm clear) to start clean');
  if (screen === 'in') {
    return { verdict: 'inconclusive', summary: 'the app shows the loggedIn marker right after a clean install; check the markers in the flow', evidence, findings: [] };
  }
  if (i.snapshot.access === 'none') {
    return { verdict: 'inconclusive', summary: 'installed and launched, but the app storage cannot be read (no root, not debuggable, or no adb_shell): storage probes will be inconclusive', evidence, findings: [] };
  }
  if (!i.snapshot.complete) {
    return { verdict: 'inconclusive', summary: 'installed and launched; only known paths can be read (pullFile), so the baseline is partial', evidence, findings: [] };
  }
  return { verdict: 'pass', summary: `clean install launched to the login screen; ${i.snapshot.files.length} files in the data directory`, evidence, findings: [] };
}

export const baseline: Probe = {
  name: 'baseline',
  title: 'clean install, launch, snapshot',
  precondition: () => null,
  async run(ctx) {
    const { device, app, rec, ui, fs } = ctx;
    await rec.step('remove the app', () => device.execute('mobile: removeApp', { appId: app.package }));
    await rec.step('install the app', async () => {
      try {
        await device.execute('mobile: installApp', { appPath: app.apkPath, grantPermissions: true, replace: true, timeout: 120_000 }, 180_000);
      } catch (err) {
        if (err instanceof DeviceError && (err.kind === 'install-failed' || err.kind === 'command')) throw new Fault(rec.where, err.kind === 'install-failed' ? err.message : `the APK could not be installed: ${err.message}`);
        throw err;
      }
    });
    // A reinstall can auto-restore data from the backup transport (an earlier run's backup).
    const pre = await rec.step('check for restored data', () => fs.snapshot());
    let cleared = false;
    if (pre.files.length > 0 && pre.complete) {
      await rec.step('clear restored data', () => device.execute('mobile: clearApp', { appId: app.package }));
      cleared = true;
    }
    await rec.step('launch the app', () => ui.launch());
    let screen: 'in' | 'out' | 'unknown' = 'unknown';
    if (ctx.flow.loggedOut.length) {
      screen = await rec.step('wait for the logged-out screen', () => ui.expectState(ctx.flow.timeouts.launchMs));
    } else if (ctx.discoverLogin) {
      await rec.step('find the login form (autopilot)', () => ctx.discoverLogin!());
      screen = 'out';
    }
    const i = await takeSnapshot(ctx, 'snapshot S0 (before login)');
    ctx.state.baseline = i;
    ctx.state.baselineArtifacts = i.artifacts;
    ctx.state.baselineAccounts = i.accounts;
    return judgeBaseline(i, screen, cleared);
  },
};
