/** The probes, in the order they run (each builds on the state the previous ones left). */
import type { Probe } from './probe.js';
import { baseline } from './baseline.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { relaunch } from './relaunch.js';
import { backNavigation } from './back-navigation.js';
import { rotation } from './rotation.js';
import { reinstall } from './reinstall.js';
import { tokenLifetime } from './token-lifetime.js';
import { revocation } from './revocation.js';

export const PROBES: readonly Probe[] = [baseline, login, logout, relaunch, backNavigation, rotation, reinstall, tokenLifetime, revocation];
