/**
 * Probe 7, uninstall and reinstall with a backup transport: while logged in, back the app up with
 * `bmgr backupnow` over the local transport, remove it (no keepData: a fresh install, not an
 * update), list shared storage for session values that outlived the uninstall, install it again
 * (auto-restore, or `bmgr restore` when the device has it off) and launch it. Logged in, or the
 * session values back in the sandbox, is `reinstall-restores-session`.
 *
 * A control step first removes the app with keepData (an update) and reinstalls it: the session
 * should survive that. If it does not, the app keeps no session across launches and a logged-out
 * app after the real reinstall proves nothing, so the probe says inconclusive.
 */
import type { Artifact } from '../artifacts.js';
import type { Finding } from '../../src/report/types.js';
import { dynamicFinding } from '../findings.js';
import { inspect, stillPresent, type Inspection } from '../inspect.js';
import type { LoginState } from '../ui.js';
import { DeviceError, FATAL_KINDS } from '../session.js';
import { accessNote, devicePath, showValue, takeSnapshot, uniqueArtifacts, type Probe, type ProbeContext, type ProbeOutcome } from './probe.js';

export interface BackupOutcome {
  transport: string | null;
  /** 'success', 'not-allowed' (the app opts out), 'failed', or 'unavailable' (no shell, no transport). */
  result: 'success' | 'not-allowed' | 'failed' | 'unavailable';
  detail: string;
  restore: 'auto' | 'bmgr-restore' | 'none';
}

export interface ReinstallObservation {
  /** Session values right before the backup. */
  current: Artifact[];
  control: { state: LoginState; kept: number; complete: boolean };
  backup: BackupOutcome;
  /** Session values on shared storage after the uninstall. */
  sharedSurvivors: { artifact: Artifact; foundIn: string }[];
  after: { state: LoginState; inspection: Inspection };
}

export function judgeReinstall(o: ReinstallObservation, pkg: string): ProbeOutcome {
  const evidence = [
    `control (removeApp keepData + install): ${o.control.state === 'in' ? 'still logged in' : o.control.state === 'out' ? 'logged out' : 'neither marker'}; ${o.control.kept} of ${o.current.length} session values kept`,
    `backup: ${o.backup.result}${o.backup.transport ? ` over ${o.backup.transport}` : ''}${o.backup.detail ? ` (${o.backup.detail})` : ''}; restore: ${o.backup.restore}`,
    `after removeApp + installApp: ${o.after.state === 'in' ? 'the loggedIn marker is visible' : o.after.state === 'out' ? 'the login screen' : 'neither marker'}`,
    accessNote(o.after.inspection),
  ];
  for (const s of o.sharedSurvivors) evidence.push(`on shared storage after uninstall: ${s.foundIn}: ${showValue(s.artifact)}`);
  const restored = stillPresent(o.current.filter((a) => a.area === 'data'), o.after.inspection, { areas: ['data'] });
  for (const r of restored) evidence.push(`restored: ${r.foundIn}: ${showValue(r.artifact)}`);
  const findings: Finding[] = [];
  if (o.after.state === 'in' || restored.length) {
    const what = o.after.state === 'in' ? 'opens logged in' : 'has the previous session values back in its data directory';
    findings.push(
      dynamicFinding('reinstall-restores-session', {
        message: `After a backup (bmgr backupnow), uninstall and reinstall, the app ${what}: the session travels with backups (cloud or device-to-device) to wherever they are restored. Exclude it with fullBackupContent / dataExtractionRules.`,
        location: { file: 'AndroidManifest.xml', element: 'application' },
        evidence: restored.length ? restored.map((r) => `${devicePath(r.artifact, pkg)} (${r.artifact.where}): ${showValue(r.artifact)}`).join('; ') : 'the loggedIn marker is visible after reinstall',
        fingerprint: [pkg],
      }),
    );
    return { verdict: 'fail', summary: `the reinstalled app ${what}${o.backup.transport ? ` (backup over ${o.backup.transport})` : ''}`, evidence, findings };
  }
  if (o.backup.result === 'unavailable' || o.backup.result === 'failed') {
    return { verdict: 'inconclusive', summary: `the backup could not be made (${o.backup.detail || o.backup.result}), so a clean reinstall proves nothing`, evidence, findings };
  }
  if (o.control.state !== 'in' && o.control.kept === 0) {
    return { verdict: 'inconclusive', summary: 'the control update (keepData) did not keep the session either, so the probe cannot tell a restored session from none', evidence, findings };
  }
  if (!o.after.inspection.complete) {
    return { verdict: 'inconclusive', summary: `the app opens logged out after reinstall, but its storage could not be read (${o.after.inspection.snapshot.access}) to rule out restored session values`, evidence, findings };
  }
  return {
    verdict: 'pass',
    summary: o.backup.result === 'not-allowed' ? 'the app opts out of backup; after reinstall it opens logged out with no session values' : `backup made${o.backup.transport ? ` over ${o.backup.transport}` : ''}; after reinstall the app opens logged out with no session values (the keepData control stayed logged in)`,
    evidence,
    findings,
  };
}

function pickTransport(list: string): { current: string | null; local: string | null } {
  let current: string | null = null;
  let local: string | null = null;
  for (const raw of list.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const star = line.startsWith('*');
    const name = line.replace(/^\*\s*/, '').trim();
    if (star) current = name;
    if (/localtransport/i.test(name)) local = name;
  }
  return { current, local };
}

export function parseBackupNow(out: string, pkg: string): Pick<BackupOutcome, 'result' | 'detail'> {
  const m = new RegExp(`Package ${pkg.replace(/\./g, '\\.')} with result:?\\s*(.+)`, 'i').exec(out);
  const r = (m?.[1] ?? out).trim().split('\n')[0]!.slice(0, 200);
  if (/^success/i.test(r)) return { result: 'success', detail: 'Success' };
  if (/not allowed|BACKUP_NOT_ALLOWED|not eligible|Package not found|ineligible/i.test(r)) return { result: 'not-allowed', detail: r };
  return { result: 'failed', detail: r || 'no output' };
}

async function shell(ctx: ProbeContext, cmd: string, timeoutMs?: number): Promise<string> {
  return ctx.device.shell(cmd, timeoutMs);
}

export const reinstall: Probe = {
  name: 'reinstall',
  title: 'uninstall + reinstall with a backup transport',
  precondition: (ctx) => (!ctx.fs.shellAllowed ? 'needs mobile: shell (adb_shell) for bmgr; the Appium server does not allow it' : ctx.state.login ? null : 'login did not complete'),
  async run(ctx) {
    const { ui, rec, device, app, flow } = ctx;
    const pkg = app.package;
    await rec.step('bring the app to the foreground', () => ui.launch());
    await ui.ensureLoggedIn('log in');
    await rec.step('send the app to the background (flush writes)', () => ui.background());
    const before = await takeSnapshot(ctx, 'snapshot before the backup');
    const current = uniqueArtifacts(before.artifacts);
    await ui.comeBack();

    // Control: an update (keepData) must keep the session.
    await rec.step('control: remove the app keeping its data', () => device.execute('mobile: removeApp', { appId: pkg, keepData: true }));
    await rec.step('control: install the app', () => device.execute('mobile: installApp', { appPath: app.apkPath, grantPermissions: true, replace: true, timeout: 120_000 }, 180_000));
    await rec.step('control: launch the app', () => ui.launch());
    const controlState = await rec.step('control: check the login state', () => ui.expectState(flow.timeouts.launchMs));
    await rec.step('send the app to the background', () => ui.background());
    const ctl = await takeSnapshot(ctx, 'control: snapshot');
    const kept = stillPresent(current, ctl, { areas: ['data'] }).length;
    if (controlState !== 'in') {
      await rec.step('control: bring the app back', () => ui.launch());
      await ui.ensureLoggedIn('log in');
    } else await ui.comeBack();

    // Backup over the local transport.
    const backup: BackupOutcome = { transport: null, result: 'unavailable', detail: '', restore: 'none' };
    try {
      const enabled = await rec.step('bmgr: is backup enabled', () => shell(ctx, 'bmgr enabled'));
      if (!/enabled/i.test(enabled) || /disabled/i.test(enabled)) await rec.step('bmgr: enable backup', () => shell(ctx, 'bmgr enable true'));
      const list = await rec.step('bmgr: list transports', () => shell(ctx, 'bmgr list transports'));
      const t = pickTransport(list);
      if (!t.local) {
        backup.detail = `no local backup transport (${list.trim().split('\n').length} transports listed)`;
      } else {
        backup.transport = t.local;
        if (t.current !== t.local) await rec.step('bmgr: select the local transport', () => shell(ctx, `bmgr transport ${t.local}`));
        const out = await rec.step('bmgr: back up now', () => shell(ctx, `bmgr backupnow ${pkg}`, flow.timeouts.backupMs));
        Object.assign(backup, parseBackupNow(out, pkg));
      }
    } catch (err) {
      if (err instanceof DeviceError && FATAL_KINDS.includes(err.kind)) throw err;
      backup.result = 'unavailable';
      backup.detail = (err as Error).message;
    }
    await rec.step('remove the app (no keepData)', () => device.execute('mobile: removeApp', { appId: pkg }));
    const sharedAfter = await rec.step('list shared storage after uninstall', () => ctx.fs.snapshot());
    const sharedInsp = await inspect(ctx.fs, { ...sharedAfter, files: [] }, { since: ctx.state.baseline?.snapshot ?? null, classify: { passwordHashes: ui.passwordHashes, extraKeyPatterns: ctx.extraKeyPatterns } });
    const sharedSurvivors = stillPresent(current, sharedInsp, { areas: ['shared'] });
    let autoRestore = true;
    try {
      const v = await rec.step('read backup_auto_restore', () => shell(ctx, 'settings get secure backup_auto_restore'));
      autoRestore = v.trim() !== '0';
    } catch (err) {
      if (err instanceof DeviceError && FATAL_KINDS.includes(err.kind)) throw err;
    }
    await rec.step('install the app', () => device.execute('mobile: installApp', { appPath: app.apkPath, grantPermissions: true, replace: true, timeout: 120_000 }, 180_000));
    if (backup.result === 'success') {
      if (autoRestore) backup.restore = 'auto';
      else {
        try {
          const sets = await rec.step('bmgr: list restore sets', () => shell(ctx, 'bmgr list sets'));
          const token = /^\s*([0-9a-f]+)\s*:/im.exec(sets)?.[1];
          if (token) {
            await rec.step('bmgr: restore', () => shell(ctx, `bmgr restore ${token} ${pkg}`, flow.timeouts.backupMs));
            backup.restore = 'bmgr-restore';
          }
        } catch (err) {
          if (err instanceof DeviceError && FATAL_KINDS.includes(err.kind)) throw err;
        }
      }
    }
    await rec.step('launch the app', () => ui.launch());
    const state = await rec.step('check the login state', () => ui.expectState(flow.timeouts.launchMs));
    const after = await takeSnapshot(ctx, 'snapshot after reinstall');
    return judgeReinstall({ current, control: { state: controlState, kept, complete: ctl.complete }, backup, sharedSurvivors, after: { state, inspection: after } }, pkg);
  },
};
