/**
 * The scan configuration file (YAML or JSON; `--config FILE`):
 *
 *   rules:
 *     token-logging: off                 # on | off
 *     cleartext-traffic: { severity: medium }
 *   tokenKeyPatterns: ['^x-session', 'customAuth']   # extra key names that hold session data (regex)
 *   ignoredLibraries: ['com.acme.sdk']                # third-party packages: findings ranked lower
 *   failOn: high                                      # default for --fail-on
 *
 * Every error names the file and line, and what is wrong.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isScalar, type Node } from 'yaml';
import { SEVERITIES, type Severity } from './report/types.js';
import { UserError } from './user-error.js';

export interface RuleSetting {
  enabled: boolean;
  severity?: Severity;
}

export interface ScanConfig {
  rules: Record<string, RuleSetting>;
  tokenKeyPatterns: string[];
  ignoredLibraries: string[];
  failOn?: Severity | 'never';
}

export const EMPTY_CONFIG: ScanConfig = { rules: {}, tokenKeyPatterns: [], ignoredLibraries: [] };

export class ConfigError extends UserError {}

export function parseConfig(text: string, file: string, knownRules: readonly string[]): ScanConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined): string => {
    const off = node?.range?.[0];
    return off === undefined ? file : `${file}:${lc.linePos(off).line}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new ConfigError(`${file}:${lc.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  }
  const cfg: ScanConfig = { rules: {}, tokenKeyPatterns: [], ignoredLibraries: [] };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return cfg;
  if (!isMap(root)) throw new ConfigError(`${at(root)}: the configuration must be a mapping (rules, tokenKeyPatterns, ignoredLibraries, failOn)`);
  const stringList = (node: Node | null, key: string): string[] => {
    const v = (node as { toJSON?: () => unknown })?.toJSON?.();
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ConfigError(`${at(node)}: ${key} must be a list of strings`);
    return v as string[];
  };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    switch (key) {
      case 'rules': {
        if (!isMap(value)) throw new ConfigError(`${at(value ?? (pair.key as Node))}: rules must map rule ids to on, off or { severity }`);
        for (const r of value.items) {
          const id = isScalar(r.key) ? String(r.key.value) : '';
          const rv = r.value as Node | null;
          if (!knownRules.includes(id)) throw new ConfigError(`${at(r.key as Node)}: unknown rule "${id}" (known: ${knownRules.join(', ')})`);
          if (isScalar(rv) && (rv.value === 'on' || rv.value === 'off' || typeof rv.value === 'boolean')) {
            cfg.rules[id] = { enabled: rv.value === 'on' || rv.value === true };
          } else if (isMap(rv)) {
            const o = rv.toJSON() as Record<string, unknown>;
            for (const k of Object.keys(o)) if (k !== 'severity' && k !== 'enabled') throw new ConfigError(`${at(rv)}: rules.${id}: unknown setting "${k}" (severity, enabled)`);
            if (o.severity !== undefined && !SEVERITIES.includes(o.severity as Severity)) {
              throw new ConfigError(`${at(rv)}: rules.${id}.severity must be one of ${SEVERITIES.join(', ')}`);
            }
            cfg.rules[id] = { enabled: o.enabled !== false && o.enabled !== 'off', ...(o.severity ? { severity: o.severity as Severity } : {}) };
          } else {
            throw new ConfigError(`${at(rv)}: rules.${id} must be on, off or { severity: ... }`);
          }
        }
        break;
      }
      case 'tokenKeyPatterns':
        cfg.tokenKeyPatterns = stringList(value, key);
        for (const p of cfg.tokenKeyPatterns) {
          try {
            new RegExp(p, 'i');
          } catch (err) {
            throw new ConfigError(`${at(value)}: tokenKeyPatterns: "${p}" is not a valid regular expression (${(err as Error).message})`);
          }
        }
        break;
      case 'ignoredLibraries':
        cfg.ignoredLibraries = stringList(value, key);
        break;
      case 'failOn': {
        const v = isScalar(value) ? String(value.value) : '';
        if (![...SEVERITIES, 'never'].includes(v)) throw new ConfigError(`${at(value)}: failOn must be one of ${[...SEVERITIES, 'never'].join(', ')}`);
        cfg.failOn = v as Severity | 'never';
        break;
      }
      default:
        throw new ConfigError(`${at(pair.key as Node)}: unknown setting "${key}" (rules, tokenKeyPatterns, ignoredLibraries, failOn)`);
    }
  }
  return cfg;
}

export async function loadConfig(file: string, knownRules: readonly string[]): Promise<ScanConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseConfig(text, file, knownRules);
}
