/**
 * AndroidManifest.xml with Android's meaning applied: SDK levels, application flags, components
 * and their exported state, intent filters, deep links and permissions.
 *
 * Platform rules encoded here (each with its source):
 * - uses-sdk: minSdkVersion defaults to 1, targetSdkVersion to minSdkVersion
 *   (developer.android.com/guide/topics/manifest/uses-sdk-element).
 * - exported: an explicit android:exported wins. Otherwise activities, activity-aliases, services
 *   and receivers are exported iff they have an intent-filter; apps targeting API 31+ must say it
 *   explicitly when a filter is present, or the install fails with
 *   INSTALL_PARSE_FAILED_MANIFEST_MALFORMED (Android 12 behaviour changes). Providers are exported
 *   by default only when targetSdk <= 16 (ProviderInfo / android:exported docs: "default ... true for
 *   targetSdkVersion 16 or lower").
 * - A component's android:permission defaults to the application's android:permission.
 */
import { type AxmlDocument, type AxmlElement, ANDROID_NS } from '../apk/axml.js';
import type { ResValue } from '../apk/res-value.js';
import { ValueResolver } from './values.js';

export type ComponentKind = 'activity' | 'activity-alias' | 'service' | 'receiver' | 'provider';

export interface IntentFilterData {
  scheme: string | null;
  host: string | null;
  port: string | null;
  path: string | null;
  pathPrefix: string | null;
  pathPattern: string | null;
  mimeType: string | null;
}

export interface IntentFilter {
  actions: string[];
  categories: string[];
  data: IntentFilterData[];
  autoVerify: boolean;
  line: number;
}

export interface Component {
  kind: ComponentKind;
  /** Fully qualified class name (relative names expanded against the package). */
  name: string;
  /** The name exactly as written in the manifest. */
  rawName: string;
  exported: boolean;
  /** How `exported` was decided. */
  how: 'explicit' | 'implicit-intent-filter' | 'default-provider' | 'default';
  permission: string | null;
  readPermission: string | null;
  writePermission: string | null;
  enabled: boolean;
  intentFilters: IntentFilter[];
  /** Providers: authorities; aliases: targetActivity. */
  authorities: string[];
  grantUriPermissions: boolean;
  targetActivity: string | null;
  launcher: boolean;
  line: number;
}

export interface DeepLink {
  component: string;
  kind: ComponentKind;
  scheme: string;
  host: string | null;
  path: string | null;
  autoVerify: boolean;
  /** The component is reachable by other apps (exported and enabled). */
  reachable: boolean;
  line: number;
}

export interface RefAttr {
  /** `@xml/backup_rules`, or null when the attribute is a literal. */
  ref: string | null;
  /** res/ paths the reference names, default configuration first. */
  files: string[];
  /** Literal value when not a reference (fullBackupContent may be a bool). */
  literal: boolean | string | null;
  line: number;
}

export interface ApplicationInfo {
  name: string | null;
  label: string | null;
  debuggable: boolean;
  /** Attribute as written (null when absent). */
  debuggableAttr: boolean | null;
  testOnly: boolean;
  allowBackupAttr: boolean | null;
  /** Effective: a missing attribute means true. */
  allowBackup: boolean;
  backupAgent: string | null;
  fullBackupOnly: boolean;
  fullBackupContent: RefAttr | null;
  dataExtractionRules: RefAttr | null;
  usesCleartextTrafficAttr: boolean | null;
  networkSecurityConfig: RefAttr | null;
  hasFragileUserData: boolean | null;
  requestLegacyExternalStorage: boolean | null;
  permission: string | null;
  line: number;
}

export interface UsesPermission {
  name: string;
  maxSdk: number | null;
  line: number;
}

export interface DeclaredPermission {
  name: string;
  protectionLevel: string | null;
  line: number;
}

export interface Manifest {
  package: string;
  versionName: string | null;
  versionCode: number | null;
  minSdk: number;
  targetSdk: number;
  maxSdk: number | null;
  compileSdk: number | null;
  /** Split name for a split APK; null for a base APK. */
  split: string | null;
  sharedUserId: string | null;
  application: ApplicationInfo;
  components: Component[];
  deepLinks: DeepLink[];
  usesPermissions: UsesPermission[];
  permissions: DeclaredPermission[];
  /** Manifest-level problems Android would refuse at install time, and oddities worth a look. */
  problems: string[];
}

const COMPONENT_KINDS: readonly ComponentKind[] = ['activity', 'activity-alias', 'service', 'receiver', 'provider'];

/** Android's SDK codenames for preview builds: a codename counts as the next API level. */
const CODENAMES: Record<string, number> = { Q: 29, R: 30, S: 31, Sv2: 32, Tiramisu: 33, UpsideDownCake: 34, VanillaIceCream: 35, Baklava: 36 };

function children(el: AxmlElement, name: string): AxmlElement[] {
  return el.children.filter((c) => c.name === name);
}

function qualify(pkg: string, name: string): string {
  if (name.startsWith('.')) return pkg + name;
  if (!name.includes('.')) return `${pkg}.${name}`;
  return name;
}

export function readManifest(doc: AxmlDocument, values: ValueResolver): Manifest {
  const root = doc.root;
  const problems: string[] = [];
  if (!root || root.name !== 'manifest') {
    throw new Error(`root element is <${root?.name ?? 'none'}>, not <manifest>`);
  }
  const plain = (name: string): string | null => {
    // package, split and sharedUserId are un-namespaced attributes of <manifest>.
    const a = root.attributes.find((x) => x.name === name && (x.ns === null || x.ns === ''));
    return a ? values.string(a.value) : null;
  };
  const pkg = plain('package') ?? '';
  if (!pkg) problems.push('<manifest> has no package attribute');

  const sdkOf = (v: ResValue | undefined): number | null => {
    if (!v) return null;
    const n = values.int(v);
    if (n !== null) return n;
    const s = values.string(v);
    return s !== null && s in CODENAMES ? CODENAMES[s]! : null;
  };
  const usesSdk = children(root, 'uses-sdk')[0];
  const minSdk = (usesSdk && sdkOf(values.attr(usesSdk, 'minSdkVersion')?.value)) ?? 1;
  const targetSdk = (usesSdk && sdkOf(values.attr(usesSdk, 'targetSdkVersion')?.value)) ?? minSdk;
  const maxSdk = usesSdk ? sdkOf(values.attr(usesSdk, 'maxSdkVersion')?.value) : null;

  const app = children(root, 'application')[0];
  const appInfo = readApplication(app, values, pkg);

  const components: Component[] = [];
  const deepLinks: DeepLink[] = [];
  if (app) {
    for (const el of app.children) {
      if (!COMPONENT_KINDS.includes(el.name as ComponentKind)) continue;
      const c = readComponent(el, el.name as ComponentKind, values, pkg, targetSdk, appInfo.permission, problems);
      if (!c) continue;
      components.push(c);
      for (const f of c.intentFilters) {
        if (!f.actions.includes('android.intent.action.VIEW')) continue;
        for (const d of f.data) {
          if (!d.scheme) continue;
          deepLinks.push({
            component: c.name,
            kind: c.kind,
            scheme: d.scheme,
            host: d.host,
            path: d.path ?? d.pathPrefix ?? d.pathPattern,
            autoVerify: f.autoVerify,
            reachable: c.exported && c.enabled && appInfo.enabledDefault,
            line: f.line,
          });
        }
      }
    }
  }

  const usesPermissions: UsesPermission[] = [];
  for (const el of [...children(root, 'uses-permission'), ...children(root, 'uses-permission-sdk-23')]) {
    const name = values.attrString(el, 'name');
    if (name) usesPermissions.push({ name, maxSdk: values.attrInt(el, 'maxSdkVersion'), line: el.line });
  }
  const permissions: DeclaredPermission[] = [];
  for (const el of children(root, 'permission')) {
    const name = values.attrString(el, 'name');
    if (name) permissions.push({ name, protectionLevel: protectionLevel(values.attr(el, 'protectionLevel')?.value, values), line: el.line });
  }

  const versionCodeAttr = values.attr(root, 'versionCode');
  return {
    package: pkg,
    versionName: values.attrString(root, 'versionName'),
    versionCode: versionCodeAttr ? values.int(versionCodeAttr.value) : null,
    minSdk,
    targetSdk,
    maxSdk,
    compileSdk: values.attrInt(root, 'compileSdkVersion') ?? (() => {
      const a = root.attributes.find((x) => x.name === 'platformBuildVersionCode');
      return a ? values.int(a.value) : null;
    })(),
    split: plain('split'),
    sharedUserId: values.attrString(root, 'sharedUserId'),
    application: stripInternal(appInfo),
    components,
    deepLinks,
    usesPermissions,
    permissions,
    problems,
  };
}

interface AppInfoInternal extends ApplicationInfo {
  enabledDefault: boolean;
}

function stripInternal(a: AppInfoInternal): ApplicationInfo {
  const { enabledDefault: _unused, ...rest } = a;
  return rest;
}

function refAttr(el: AxmlElement, name: string, values: ValueResolver): RefAttr | null {
  const a = values.attr(el, name);
  if (!a) return null;
  const ref = values.refName(a.value);
  if (ref) return { ref, files: values.files(a.value), literal: null, line: el.line };
  const b = values.bool(a.value);
  return { ref: null, files: [], literal: b ?? values.string(a.value), line: el.line };
}

function readApplication(app: AxmlElement | undefined, values: ValueResolver, pkg: string): AppInfoInternal {
  if (!app) {
    return {
      name: null, label: null, debuggable: false, debuggableAttr: null, testOnly: false,
      allowBackupAttr: null, allowBackup: true, backupAgent: null, fullBackupOnly: false,
      fullBackupContent: null, dataExtractionRules: null, usesCleartextTrafficAttr: null,
      networkSecurityConfig: null, hasFragileUserData: null, requestLegacyExternalStorage: null,
      permission: null, line: 0, enabledDefault: true,
    };
  }
  const debuggableAttr = values.attr(app, 'debuggable') ? values.attrBool(app, 'debuggable') : null;
  const allowBackupAttr = values.attr(app, 'allowBackup') ? values.attrBool(app, 'allowBackup') : null;
  const name = values.attrString(app, 'name');
  const agent = values.attrString(app, 'backupAgent');
  return {
    name: name ? qualify(pkg, name) : null,
    label: values.attrString(app, 'label'),
    debuggable: debuggableAttr === true,
    debuggableAttr,
    testOnly: values.attrBool(app, 'testOnly') === true,
    allowBackupAttr,
    allowBackup: allowBackupAttr !== false,
    backupAgent: agent ? qualify(pkg, agent) : null,
    fullBackupOnly: values.attrBool(app, 'fullBackupOnly') === true,
    fullBackupContent: refAttr(app, 'fullBackupContent', values),
    dataExtractionRules: refAttr(app, 'dataExtractionRules', values),
    usesCleartextTrafficAttr: values.attr(app, 'usesCleartextTraffic') ? values.attrBool(app, 'usesCleartextTraffic') : null,
    networkSecurityConfig: refAttr(app, 'networkSecurityConfig', values),
    hasFragileUserData: values.attr(app, 'hasFragileUserData') ? values.attrBool(app, 'hasFragileUserData') : null,
    requestLegacyExternalStorage: values.attr(app, 'requestLegacyExternalStorage') ? values.attrBool(app, 'requestLegacyExternalStorage') : null,
    permission: values.attrString(app, 'permission'),
    line: app.line,
    enabledDefault: values.attrBool(app, 'enabled') !== false,
  };
}

function readFilter(el: AxmlElement, values: ValueResolver): IntentFilter {
  const actions: string[] = [];
  const categories: string[] = [];
  const data: IntentFilterData[] = [];
  for (const c of el.children) {
    if (c.name === 'action') {
      const n = values.attrString(c, 'name');
      if (n) actions.push(n);
    } else if (c.name === 'category') {
      const n = values.attrString(c, 'name');
      if (n) categories.push(n);
    } else if (c.name === 'data') {
      data.push({
        scheme: values.attrString(c, 'scheme'),
        host: values.attrString(c, 'host'),
        port: values.attrString(c, 'port'),
        path: values.attrString(c, 'path'),
        pathPrefix: values.attrString(c, 'pathPrefix'),
        pathPattern: values.attrString(c, 'pathPattern'),
        mimeType: values.attrString(c, 'mimeType'),
      });
    }
  }
  // Android merges <data> elements of one filter: every scheme combines with every host.
  const schemes = [...new Set(data.map((d) => d.scheme).filter((s): s is string => !!s))];
  const hosts = data.filter((d) => d.host);
  const merged: IntentFilterData[] = [];
  if (schemes.length && hosts.length) {
    for (const s of schemes) for (const h of hosts) merged.push({ ...h, scheme: s });
    for (const d of data) if (!d.host && !d.scheme && (d.path || d.pathPrefix || d.pathPattern || d.mimeType)) merged.push(d);
  }
  return { actions, categories, data: merged.length ? merged : data, autoVerify: values.attrBool(el, 'autoVerify') === true, line: el.line };
}

function readComponent(
  el: AxmlElement,
  kind: ComponentKind,
  values: ValueResolver,
  pkg: string,
  targetSdk: number,
  appPermission: string | null,
  problems: string[],
): Component | null {
  const rawName = values.attrString(el, 'name');
  if (!rawName) {
    problems.push(`<${kind}> at line ${el.line} has no android:name`);
    return null;
  }
  const name = qualify(pkg, rawName);
  const intentFilters = children(el, 'intent-filter').map((f) => readFilter(f, values));
  const explicit = values.attr(el, 'exported') ? values.attrBool(el, 'exported') : null;
  let exported: boolean;
  let how: Component['how'];
  if (explicit !== null) {
    exported = explicit;
    how = 'explicit';
  } else if (kind === 'provider') {
    exported = targetSdk <= 16;
    how = 'default-provider';
  } else if (intentFilters.length > 0) {
    exported = true;
    how = 'implicit-intent-filter';
    if (targetSdk >= 31) {
      problems.push(`<${kind} ${rawName}> (line ${el.line}) has an intent-filter but no android:exported: Android 12+ refuses to install an app targeting API ${targetSdk} like this`);
    }
  } else {
    exported = false;
    how = 'default';
  }
  const launcher = intentFilters.some(
    (f) => f.actions.includes('android.intent.action.MAIN') && f.categories.includes('android.intent.category.LAUNCHER'),
  );
  const authorities = kind === 'provider' ? (values.attrString(el, 'authorities') ?? '').split(';').map((s) => s.trim()).filter(Boolean) : [];
  const target = kind === 'activity-alias' ? values.attrString(el, 'targetActivity') : null;
  return {
    kind,
    name,
    rawName,
    exported,
    how,
    permission: values.attrString(el, 'permission') ?? appPermission,
    readPermission: kind === 'provider' ? values.attrString(el, 'readPermission') : null,
    writePermission: kind === 'provider' ? values.attrString(el, 'writePermission') : null,
    enabled: values.attrBool(el, 'enabled') !== false,
    intentFilters,
    authorities,
    grantUriPermissions: values.attrBool(el, 'grantUriPermissions') === true,
    targetActivity: target ? qualify(pkg, target) : null,
    launcher,
    line: el.line,
  };
}

const PROTECTION_BASE = ['normal', 'dangerous', 'signature', 'signatureOrSystem'];

function protectionLevel(v: ResValue | undefined, values: ValueResolver): string | null {
  if (!v) return 'normal';
  const n = values.int(v);
  if (n === null) return values.string(v);
  const base = PROTECTION_BASE[n & 0xf] ?? `0x${(n & 0xf).toString(16)}`;
  return (n & ~0xf) !== 0 ? `${base}|flags(0x${(n & ~0xf).toString(16)})` : base;
}

export { ANDROID_NS };
