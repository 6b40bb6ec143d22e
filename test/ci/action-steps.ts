/**
 * What the action tests share: a runner-like workspace, the stand-ins for the steps that must not
 * run here (`npm ci`, the sudo KVM step), and the `with:` checks of the actions a static run calls.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../helpers/apks.js';
import type { ActionStep, UsesCall } from './action-harness.js';

export const ACTION = path.join(ROOT, 'action.yml');
export const INSTALL = 'cd "$GITHUB_ACTION_PATH" && npm ci --no-audit --no-fund';
/** The udev rule from android-emulator-runner's README, which lets the runner user open /dev/kvm. */
export const KVM = `echo 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"' | sudo tee /etc/udev/rules.d/99-kvm4all.rules
sudo udevadm control --reload-rules
sudo udevadm trigger --name-match=kvm
`;

const workspaces: string[] = [];

/** A workspace like the runner's: the given repository files at their relative paths. */
export function workspace(files: string[]): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'sessionscope-ws-'));
  workspaces.push(ws);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(ws, f)), { recursive: true });
    copyFileSync(path.join(ROOT, f), path.join(ws, f));
  }
  return ws;
}

/** Removes the workspaces made so far (a dynamic run leaves tens of MB of screenshots and logs). */
export function removeWorkspaces(): void {
  for (const ws of workspaces.splice(0)) rmSync(ws, { recursive: true, force: true });
}

/**
 * `npm ci` (the repository is installed already) and the KVM udev rule (sudo, and no emulator
 * here) are not run: each step's script is checked, then stood in for.
 */
export function standIn(step: ActionStep): { exitCode: number } | null {
  if (step.id === 'install') {
    expect(step.run).toBe(INSTALL);
    return { exitCode: 0 };
  }
  if (step.id === 'kvm') {
    expect(step.run).toBe(KVM);
    return { exitCode: 0 };
  }
  return null;
}

/** The `uses:` steps a static-only run reaches, with the `with:` each must get. */
export function staticUses(call: UsesCall): number {
  const u = call.step.uses!;
  if (u === 'actions/setup-node@v4') expect(call.with).toEqual({ 'node-version': call.ctx.inputs['node-version'] });
  else if (u === 'github/codeql-action/upload-sarif@v3') expect(Object.keys(call.with).sort()).toEqual(['category', 'sarif_file']);
  else if (u === 'actions/upload-artifact@v4') expect(Object.keys(call.with).sort()).toEqual(['if-no-files-found', 'name', 'path']);
  else throw new Error(`${u} must not run on this path`);
  return 0;
}

