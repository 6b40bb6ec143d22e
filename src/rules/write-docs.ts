/** `npm run docs`: regenerates docs/rules.md and the README's rules table from the rules' meta. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../static-rules/index.js';
import { DYNAMIC_RULES } from '../../dynamic/findings.js';
import { rulesMarkdown, stagedRules, withReadmeRules } from './docs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const rules = stagedRules(RULES.map((r) => r.meta), [...DYNAMIC_RULES.values()]);
writeFileSync(join(root, 'docs/rules.md'), rulesMarkdown(rules));
const readme = join(root, 'README.md');
writeFileSync(readme, withReadmeRules(readFileSync(readme, 'utf8'), rules));
console.log(`docs/rules.md and README.md: ${rules.length} rules`);
