/**
 * Driving the app's screens: running flow steps, waiting for selectors, telling "logged in" from
 * "logged out" by the flow's markers, and noticing when the app is no longer running (a crash).
 * A selector that never appears or an app that died is a Fault: the run stops with a one-line
 * error naming the step (the recorder has kept the screenshot and page source of that step).
 */
import { UserError } from '../src/user-error.js';
import { describeSelector, describeStep, type Flow, type Selector, type Step } from './flow.js';
import type { Recorder } from './recorder.js';
import { sha256, type Secrets } from './secrets.js';
import type { Device } from './session.js';

/** Stops the run: exit code 2, a partial report, and this message. */
export class Fault extends UserError {
  constructor(
    readonly step: string,
    readonly reason: string,
  ) {
    super(`${step}: ${reason}`);
  }
}

export type LoginState = 'in' | 'out' | 'unknown';

export const APP_STATE = { notInstalled: 0, notRunning: 1, background: 3, foreground: 4 } as const;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class Ui {
  /** sha256 of every password typed (what the storage probes look for). */
  readonly passwordHashes = new Set<string>();
  pollMs = 250;
  /** How long to let the app settle after going to the background or a back press (writes flushed, screen drawn). */
  settleMs = 1000;
  /** Set by the autopilot: picks the loggedIn marker after the first login. */
  discoverLoggedIn?: () => Promise<void>;

  constructor(
    readonly device: Device,
    readonly flow: Flow,
    readonly pkg: string,
    readonly rec: Recorder,
    readonly secrets: Secrets,
  ) {}

  async visible(sels: readonly Selector[]): Promise<string | null> {
    for (const s of sels) {
      const els = await this.device.find(s);
      if (els.length) return els[0]!;
    }
    return null;
  }

  /** Polls until one of the selectors is visible; null on timeout. */
  async waitFor(sels: readonly Selector[], timeoutMs: number): Promise<string | null> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const el = await this.visible(sels);
      if (el) return el;
      if (Date.now() >= end) return null;
      await sleep(this.pollMs);
    }
  }

  async appState(): Promise<number> {
    const s = await this.device.execute<number>('mobile: queryAppState', { appId: this.pkg });
    return typeof s === 'number' ? s : Number(s);
  }

  /** Which marker is visible, polling up to timeoutMs. */
  async state(timeoutMs: number): Promise<LoginState> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.flow.loggedIn.length && (await this.visible(this.flow.loggedIn))) return 'in';
      if (this.flow.loggedOut.length && (await this.visible(this.flow.loggedOut))) return 'out';
      if (Date.now() >= end) return 'unknown';
      await sleep(this.pollMs);
    }
  }

  /** Explains a missing selector: a crash (app not running) or a screen without it. */
  private async missing(what: string, timeoutMs: number): Promise<never> {
    const within = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
    let reason = `${what} did not appear within ${within}`;
    try {
      const st = await this.appState();
      if (st === APP_STATE.notRunning || st === APP_STATE.notInstalled) reason = `the app is not running (it crashed or closed); ${what} did not appear`;
      else if (st === APP_STATE.background) reason = `the app went to the background; ${what} did not appear`;
    } catch {
      // keep the plain reason
    }
    throw new Fault(this.rec.where, reason);
  }

  /** Waits for the state and returns it; a Fault when neither marker appears. */
  async expectState(timeoutMs: number): Promise<Exclude<LoginState, 'unknown'>> {
    const s = await this.state(timeoutMs);
    if (s === 'unknown') return this.missing('the loggedIn or the loggedOut marker', timeoutMs);
    return s;
  }

  async expect(sels: readonly Selector[], label: string, timeoutMs: number): Promise<string> {
    const el = await this.waitFor(sels, timeoutMs);
    if (!el) return this.missing(`${label} (${sels.map(describeSelector).join(' or ')})`, timeoutMs);
    return el;
  }

  /** Runs flow steps, each as a recorded step. */
  async runSteps(steps: readonly Step[], group: string): Promise<void> {
    // No screenshot right after typing a credential (Android shows a password's last character for a moment).
    for (const s of steps) await this.rec.step(`${group}: ${describeStep(s)}`, () => this.runStep(s), { screenshot: !(s.action === 'type' && s.text.secret) });
  }

  async runStep(s: Step): Promise<void> {
    const timeout = this.flow.timeouts.stepMs;
    switch (s.action) {
      case 'back':
        await this.device.back();
        return;
      case 'wait': {
        const el = await this.waitFor([s.selector], s.timeoutMs ?? timeout);
        if (!el && !s.optional) await this.missing(describeSelector(s.selector), s.timeoutMs ?? timeout);
        return;
      }
      case 'tap': {
        const el = await this.waitFor([s.selector], s.optional ? Math.min(timeout, 3000) : timeout);
        if (!el) {
          if (s.optional) return;
          await this.missing(describeSelector(s.selector), timeout);
        }
        await this.device.click(el!);
        return;
      }
      case 'type': {
        const el = await this.waitFor([s.selector], timeout);
        if (!el) {
          if (s.optional) return;
          await this.missing(describeSelector(s.selector), timeout);
        }
        let isPassword = s.text.env.some((n) => /pass|pwd|pin|secret/i.test(n));
        try {
          if ((await this.device.attribute(el!, 'password')) === 'true') isPassword = true;
        } catch {
          // attribute not supported: keep the name heuristic
        }
        if (isPassword) this.passwordHashes.add(sha256(s.text.value));
        if (s.text.secret) this.secrets.add(s.text.value);
        await this.device.type(el!, s.text.value);
        return;
      }
      case 'scroll': {
        for (let i = 0; i <= s.maxSwipes; i++) {
          if (await this.visible([s.selector])) return;
          if (i === s.maxSwipes) break;
          const scrollable = await this.device.find({ strategy: 'uiautomator', value: 'new UiSelector().scrollable(true)' });
          if (!scrollable.length) break;
          const more = await this.device.execute<boolean>('mobile: scrollGesture', { elementId: scrollable[0], direction: 'down', percent: 0.75 });
          if (more === false && (await this.visible([s.selector]))) return;
          if (more === false) break;
        }
        if (!s.optional) await this.missing(`${describeSelector(s.selector)} (after scrolling)`, 0);
        return;
      }
    }
  }

  // ---------------------------------------------------------------- composite moves

  async launch(): Promise<void> {
    await this.device.execute('mobile: activateApp', { appId: this.pkg });
  }

  async terminate(): Promise<void> {
    await this.device.execute('mobile: terminateApp', { appId: this.pkg });
  }

  /** HOME, staying in the background: the app's onPause/onStop flush pending SharedPreferences writes. */
  async background(): Promise<void> {
    await this.device.execute('mobile: backgroundApp', { seconds: -1 });
    await sleep(this.settleMs);
  }

  /** Logs in (if the app shows the logged-out marker) and waits for the logged-in marker. */
  async ensureLoggedIn(label = 'log in'): Promise<void> {
    const s = await this.rec.step('check the login state', () => this.expectState(this.flow.timeouts.launchMs));
    if (s === 'in') return;
    await this.login(label);
  }

  async login(label = 'log in'): Promise<void> {
    await this.runSteps(this.flow.login, label);
    if (!this.flow.loggedIn.length && this.discoverLoggedIn) {
      await this.rec.step(`${label}: find the loggedIn marker (autopilot)`, () => this.discoverLoggedIn!());
      return;
    }
    await this.rec.step(`${label}: wait for the loggedIn marker`, () => this.expect(this.flow.loggedIn, 'the loggedIn marker', this.flow.timeouts.stepMs));
  }

  async logout(label = 'log out'): Promise<void> {
    await this.runSteps(this.flow.logout, label);
    await this.rec.step(`${label}: wait for the loggedOut marker`, () => this.expect(this.flow.loggedOut, 'the loggedOut marker', this.flow.timeouts.stepMs));
  }

  /**
   * Brings the app back after `background()`: 'resumed' when it shows the loggedIn marker,
   * 'relogged' when it came back logged out and the login steps ran again.
   */
  async comeBack(): Promise<'resumed' | 'relogged'> {
    await this.rec.step('bring the app back', () => this.launch());
    const s = await this.rec.step('check the login state', () => this.expectState(this.flow.timeouts.launchMs));
    if (s === 'in') return 'resumed';
    await this.login('log in again');
    return 'relogged';
  }

  /** Brings the app to the foreground and logs out if it shows the logged-in marker. */
  async ensureLoggedOut(label = 'log out'): Promise<void> {
    const st = await this.appState();
    if (st !== APP_STATE.foreground) await this.rec.step('bring the app to the foreground', () => this.launch());
    const s = await this.rec.step('check the login state', () => this.expectState(this.flow.timeouts.launchMs));
    if (s === 'out') return;
    await this.logout(label);
  }
}
