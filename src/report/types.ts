/**
 * The report contract (schemaVersion 1, ../shared/DESIGN.md). Every output format renders this
 * object. Fields may be added; the ones here stay stable.
 */
import type { ReadWarning } from '../apk/errors.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface FindingLocation {
  file?: string;
  line?: number;
  element?: string;
  class?: string;
  method?: string;
}

export interface Finding {
  ruleId: string;
  stage: 'static' | 'dynamic';
  severity: Severity;
  confidence: 'high' | 'medium' | 'low';
  title: string;
  message: string;
  location: FindingLocation;
  evidence?: string;
  fingerprint: string;
  masvs: string[];
  mastg: string[];
  cwe: string[];
  /** Set when the code belongs to a well-known third-party library (ranked one step lower). */
  library?: string;
  /** After a dynamic run: whether the run showed this static finding to be real. */
  dynamicStatus?: 'confirmed' | 'refuted' | 'not-tested';
}

export interface ExportedComponentFact {
  kind: string;
  name: string;
  permission: string | null;
  how: string;
}

export interface AppFacts {
  package: string;
  versionName: string | null;
  versionCode: number | null;
  minSdk: number;
  targetSdk: number;
  debuggable: boolean;
  testOnly: boolean;
  allowBackup: boolean;
  cleartextPermitted: boolean;
  cleartextDomains: { domain: string; includeSubdomains: boolean; permitted: boolean }[];
  networkSecurityConfig: string | null;
  exportedComponents: ExportedComponentFact[];
  /** Added fields (schemaVersion 1 allows additions). */
  cleartextSource: string;
  cleartextPermittedBelowApi24: boolean | null;
  fullBackupContent: string | null;
  dataExtractionRules: string | null;
  frameworks: string[];
}

export interface AnalysisFacts {
  complete: boolean;
  container: string;
  zipEntries: number;
  signing: { v1: boolean; v2: boolean; v3: boolean; v31: boolean };
  dexFiles: string[];
  classes: number;
  methods: number;
  nativeLibs: number;
  nestedApks: string[];
  splits: { name: string; split: string | null }[];
  durationMs: number;
  /** Findings left out because their fingerprint is in --baseline. */
  baselineSuppressed?: number;
}

export interface TargetResult {
  target: { path: string; sha256: string; sizeBytes: number };
  app: AppFacts;
  analysis: AnalysisFacts;
  findings: Finding[];
  dynamic: unknown | null;
  warnings: ReadWarning[];
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'sessionscope'; version: string };
  /** When the report was made (ISO 8601). */
  generatedAt?: string;
  results: TargetResult[];
}
