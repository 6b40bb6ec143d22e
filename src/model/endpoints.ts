/**
 * Every http:// and https:// URL the app carries, with where it comes from: a const-string loaded
 * by a method, a static final String field, a string resource, or an asset file. XML namespaces,
 * schema identifiers and licence/documentation links are not endpoints and are left out (they are
 * never requested); deep-link filters are in the manifest model, not here.
 *
 * Each code, field and resource source keeps the whole constant the URL was found in (`value`), so
 * that a rule can tell a request target from text shown to the user ("Register at http://x.com")
 * with ./url-use.ts. The list is computed once per app model and shared by every rule.
 */
import type { AppModel } from './app.js';
import { findUrls, urlHost } from './content.js';
import { libraryOf } from './libraries.js';
import type { MethodKey } from './code-index.js';

/** `value`: the whole constant (string literal, field value or resource string) holding the URL. */
export type EndpointSource =
  | { kind: 'code'; dex: string; method: MethodKey; library: string | null; value?: string }
  | { kind: 'field'; dex: string; field: string; library: string | null; value?: string }
  | { kind: 'resource'; name: string; value?: string }
  | { kind: 'asset'; file: string };

export interface Endpoint {
  url: string;
  scheme: 'http' | 'https';
  host: string;
  sources: EndpointSource[];
}

/** Hosts (and host suffixes) whose URLs are identifiers, not traffic. */
const NON_ENDPOINT_HOSTS = [
  'schemas.android.com', 'schemas.xmlsoap.org', 'schemas.microsoft.com', 'www.w3.org', 'w3.org', 'xml.org', 'www.xml.org',
  'xmlpull.org', 'www.xmlpull.org', 'ns.adobe.com', 'purl.org', 'json-schema.org', 'xmlns.com', 'java.sun.com', 'xml.apache.org',
  'www.apache.org', 'apache.org', 'www.opensource.org', 'opensource.org', 'www.gnu.org', 'gnu.org', 'creativecommons.org',
  'www.slf4j.org', 'schema.org', 'ns.google.com', 'www.bouncycastle.org', 'jakarta.apache.org',
  // More namespace and specification hosts (identifiers in XML/RDF/SOAP/OOXML code, never fetched).
  'schemas.google.com', 'schemas.openxmlformats.org', 'www.opengis.net', 'docs.oasis-open.org', 'www.ietf.org',
  'tools.ietf.org', 'ns.android.com', 'xmlns.jcp.org', 'www.wapforum.org', 'www.openmobilealliance.org', 'iptc.org',
  'ns.useplus.org', 'cipa.jp', 'www.iec.ch', 'www.color.org',
];
const NON_ENDPOINT_PATH = /^https?:\/\/[^/]+\/(?:xml\/features|xml\/properties|sax\/features|sax\/properties|XML\/|TR\/|1999\/|2000\/|2001\/|2005\/|ns\/|licenses?\b)/i;

export function isEndpointUrl(url: string): boolean {
  const host = urlHost(url);
  if (!host || (!host.includes('.') && host !== 'localhost')) return false;
  if (/[{}$%<>]/.test(host)) return false;
  // Java package names used as feature identifiers (http://javax.xml.transform.dom.DOMSource/feature).
  if (/^(?:javax?|jdk|sun|com\.sun|org\.(?:xml|w3c|apache\.xerces))\./.test(host)) return false;
  if (NON_ENDPOINT_HOSTS.some((h) => host === h || host.endsWith(`.${h}`))) return false;
  if (NON_ENDPOINT_PATH.test(url)) return false;
  return true;
}

const URL_IN_STRING = /https?:\/\//i;

const cache = new WeakMap<AppModel, Endpoint[]>();

/** Every endpoint URL of the app (computed once per model; the array is a copy, its objects are shared). */
export function collectEndpoints(app: AppModel): Endpoint[] {
  let list = cache.get(app);
  if (!list) {
    list = computeEndpoints(app);
    cache.set(app, list);
  }
  return list.slice();
}

function computeEndpoints(app: AppModel): Endpoint[] {
  const byUrl = new Map<string, Endpoint>();
  const pkg = app.manifest.package;
  const add = (raw: string, source: EndpointSource): void => {
    // One source per URL even when the text names the URL twice.
    for (const url of new Set(findUrls(raw))) {
      if (!isEndpointUrl(url)) continue;
      let ep = byUrl.get(url);
      if (!ep) {
        ep = { url, scheme: url.toLowerCase().startsWith('https') ? 'https' : 'http', host: urlHost(url)!, sources: [] };
        byUrl.set(url, ep);
      }
      if (ep.sources.length < 20) ep.sources.push(source);
    }
  };
  for (const { value, sites } of app.code.stringSites((s) => URL_IN_STRING.test(s))) {
    for (const site of sites) add(value, { kind: 'code', dex: site.dex, method: site.caller, library: libraryOf(site.caller.class, [], pkg), value });
  }
  for (const sv of app.code.staticStringValues()) {
    if (!URL_IN_STRING.test(sv.value)) continue;
    const cls = sv.field.slice(0, sv.field.indexOf('->'));
    add(sv.value, { kind: 'field', dex: sv.dex, field: sv.field, library: libraryOf(cls, [], pkg), value: sv.value });
  }
  const table = app.resources;
  if (table) {
    for (const p of table.packages) {
      const spec = p.typeByName('string');
      if (!spec) continue;
      for (const chunk of spec.configs) {
        if (chunk.config.qualifiers !== '') continue;
        for (const i of chunk.indexes()) {
          const e = chunk.entry(i);
          if (e && 'type' in e.value && e.value.type === 'string' && URL_IN_STRING.test(e.value.value)) {
            add(e.value.value, { kind: 'resource', name: `@string/${e.key ?? `0x${e.id.toString(16)}`}`, value: e.value.value });
          }
        }
      }
    }
  }
  for (const f of app.content.textFiles()) {
    if (URL_IN_STRING.test(f.text)) add(f.text, { kind: 'asset', file: f.name });
  }
  return [...byUrl.values()];
}
