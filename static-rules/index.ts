/**
 * Every static rule, in the order they run and are documented. Adding a rule: create
 * `static-rules/<id>.ts` exporting `defineRule({...})` as default, list it here, add
 * `test/rules/<id>.test.ts`, then `npm run docs` to regenerate docs/rules.md.
 */
import type { Rule } from '../src/rules/rule.js';

export const RULES: readonly Rule[] = [];
