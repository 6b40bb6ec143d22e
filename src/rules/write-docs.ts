/** `npm run docs`: regenerates docs/rules.md from the rules' meta. */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../static-rules/index.js';
import { rulesMarkdown } from './docs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
writeFileSync(join(root, 'docs/rules.md'), rulesMarkdown(RULES));
console.log(`docs/rules.md: ${RULES.length} rules`);
