/** Chooses the renderer for a format. Every renderer is a pure function of the report. */
import { renderJson } from './json.js';
import { renderText } from './text.js';
import { renderSarif } from './sarif.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderJunit } from './junit.js';
import type { RuleDoc } from './rule-docs.js';
import type { Report } from './types.js';

export const FORMATS = ['text', 'json', 'sarif', 'html', 'markdown', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  rules: readonly RuleDoc[];
  sourceRoot?: string;
  sarifCategory?: string;
}

export function render(report: Report, format: Format, opts: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'text':
      return renderText(report, { color: opts.color });
    case 'sarif':
      return renderSarif(report, { rules: opts.rules, ...(opts.sourceRoot ? { sourceRoot: opts.sourceRoot } : {}), ...(opts.sarifCategory ? { category: opts.sarifCategory } : {}) });
    case 'html':
      return renderHtml(report, { rules: opts.rules });
    case 'markdown':
      return renderMarkdown(report, { rules: opts.rules });
    case 'junit':
      return renderJunit(report, { rules: opts.rules });
  }
}
