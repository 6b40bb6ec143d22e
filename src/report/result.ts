/** Builds the report's per-target object from the app model and the findings. */
import type { AppModel } from '../model/app.js';
import type { AppFacts, Finding, TargetResult } from './types.js';

export function appFacts(app: AppModel): AppFacts {
  const m = app.manifest;
  const a = m.application;
  return {
    package: m.package,
    versionName: m.versionName,
    versionCode: m.versionCode,
    minSdk: m.minSdk,
    targetSdk: m.targetSdk,
    debuggable: a.debuggable,
    testOnly: a.testOnly,
    allowBackup: a.allowBackup,
    cleartextPermitted: app.cleartext.permitted,
    cleartextDomains: app.cleartext.domains.map((d) => ({ domain: d.domain, includeSubdomains: d.includeSubdomains, permitted: d.permitted })),
    networkSecurityConfig: app.nsc?.file ?? null,
    exportedComponents: m.components
      .filter((c) => c.exported)
      .map((c) => ({ kind: c.kind, name: c.name, permission: c.permission, how: c.how })),
    cleartextSource: app.cleartext.source,
    cleartextPermittedBelowApi24: app.cleartext.permittedBelowApi24,
    fullBackupContent: app.backup.fullBackupContent?.file ?? (app.backup.fullBackupDisabled ? 'false' : null),
    dataExtractionRules: app.backup.dataExtractionRules?.file ?? null,
    frameworks: app.content.frameworks,
  };
}

export function targetResult(app: AppModel, path: string, findings: Finding[], durationMs: number): TargetResult {
  return {
    target: { path, sha256: app.sha256, sizeBytes: app.sizeBytes },
    app: appFacts(app),
    analysis: {
      complete: app.complete,
      container: app.container.kind,
      zipEntries: app.container.entries,
      signing: { v1: app.container.signing.v1, v2: app.container.signing.v2, v3: app.container.signing.v3, v31: app.container.signing.v31 },
      dexFiles: app.container.dexFiles,
      classes: app.code.stats.classes,
      methods: app.code.stats.methods,
      nativeLibs: app.content.nativeLibs.length,
      nestedApks: app.content.nestedApks,
      splits: app.container.splits,
      durationMs: Math.round(durationMs),
    },
    findings,
    dynamic: null,
    warnings: app.warnings,
  };
}
