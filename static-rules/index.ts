/**
 * Every static rule, in the order they run and are documented. Adding a rule: create
 * `static-rules/<id>.ts` exporting `defineRule({...})` as default, list it here, add
 * `test/rules/<id>.test.ts`, then `npm run docs` to regenerate docs/rules.md.
 */
import type { Rule } from '../src/rules/rule.js';
// Network and manifest rules.
import cleartextTraffic from './cleartext-traffic.js';
import nscTrust from './nsc-trust.js';
import debuggable from './debuggable.js';
import testOnly from './test-only.js';
import exportedSessionComponent from './exported-session-component.js';

export const RULES: readonly Rule[] = [
  // Network and manifest rules.
  cleartextTraffic,
  nscTrust,
  debuggable,
  testOnly,
  exportedSessionComponent,
];
