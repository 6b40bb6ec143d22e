/**
 * `sessionscope generate`: report.json of a dynamic run in, a folder of TypeScript regression
 * tests out (model.ts decides what to emit, emit-*.ts write the sources, writer.ts puts them on
 * disk). The default runner is vitest with WebdriverIO's remote(); `wdio` emits a WebdriverIO
 * test-runner project with the Appium service. Both share selectors, flow, support and properties.
 */
import { emitCapabilities, emitFlow, emitRecorded, emitSpec, type Runner } from './emit-code.js';
import { emitPackageJson, emitReadme, emitTsconfig, VITEST_CONFIG, WDIO_CONFIG } from './emit-project.js';
import { loadModel, type GenerateModel } from './model.js';
import { PROPERTIES_TS } from './properties-source.js';
import { SUPPORT_TS } from './support-source.js';
import { writeGenerated } from './writer.js';
import { VERSION } from '../version.js';

export const RUNNERS: readonly Runner[] = ['vitest', 'wdio'];

export interface GenerateOutcome {
  dir: string;
  files: string[];
  model: GenerateModel;
}

/** The generated files (relative name → content) for a model. */
export function sources(m: GenerateModel, runner: Runner): Map<string, string> {
  const { selectors, flow } = emitFlow(m);
  const files = new Map<string, string>([
    ['package.json', emitPackageJson(m, runner)],
    ['tsconfig.json', emitTsconfig(runner)],
    ['README.md', emitReadme(m, runner)],
    ['recorded.ts', emitRecorded(m)],
    ['capabilities.ts', emitCapabilities(m)],
    ['selectors.ts', selectors],
    ['flow.ts', flow],
    ['support.ts', SUPPORT_TS],
    ['properties.ts', PROPERTIES_TS],
  ]);
  if (runner === 'vitest') {
    files.set('vitest.config.ts', VITEST_CONFIG);
    files.set('session.test.ts', emitSpec(m, runner));
  } else {
    files.set('wdio.conf.ts', WDIO_CONFIG);
    files.set('specs/session.spec.ts', emitSpec(m, runner));
  }
  return files;
}

export async function generate(opts: { from: string; out: string; runner: Runner; force: boolean }): Promise<GenerateOutcome> {
  const model = await loadModel(opts.from);
  const files = sources(model, opts.runner);
  const dir = await writeGenerated(opts.out, files, { force: opts.force, meta: { version: VERSION, runner: opts.runner, app: model.app.package } });
  return { dir, files: [...files.keys()], model };
}
