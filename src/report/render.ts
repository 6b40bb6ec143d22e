/** Chooses the renderer for a format. Every renderer is a pure function of the report. */
import { renderJson } from './json.js';
import { renderText } from './text.js';
import type { Report } from './types.js';

export const FORMATS = ['text', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  sourceRoot?: string;
  sarifCategory?: string;
}

export function render(report: Report, format: Format, opts: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'text':
      return renderText(report, { color: opts.color });
  }
}
