/**
 * Whether a constant that contains a URL is a request target or text: a URL that is only shown to
 * the user ("Register yourself at http://payatu.com", a TextView's text, a Toast) or only logged is
 * never fetched by the app, so it is not an endpoint for a cleartext finding.
 *
 * The heuristic, per place a constant is loaded (method M loads constant V):
 *  1. V flows, in M, into a network or WebView call (URL/URI constructors, WebView.load*,
 *     OkHttp/Retrofit/Volley/Apache request builders, DownloadManager, MediaPlayer), or into a
 *     first-party method with a String parameter that itself makes such a call (one level of
 *     wrapper: `get(url)` -> `new URL(url)`): a request. Uri.parse is not counted: it mostly builds
 *     Intents that a browser opens, under the browser's policy, not the app's.
 *  2. Otherwise, V flows in M into a UI or log call (TextView-like setText/setHint/setTitle/
 *     setMessage/setSummary on any class, Toast.makeText, Html.fromHtml, notification texts,
 *     ClipData, android.util.Log, System.out): text. (A constant both shown and passed to an app
 *     method that requests it would be missed; a URL shown to the user is rarely also fetched.)
 *  3. Otherwise, V is prose (the URL sits among words: "See http://goo.gl/x for instructions") and
 *     does not look like an HTTP request line, an HTML page with src= attributes or script: text.
 *     Library code routes its log messages through obfuscated wrappers (`zzaW(String)`), which 2
 *     cannot see; 3 catches those.
 *  4. Otherwise (a bare URL whose use we do not see, e.g. stored in a field or passed to an app
 *     method that builds the request): a request, with lower confidence.
 * "Flows into" uses the call-site index's constant tracking: the string register reaches the call
 * as an argument in the same method. A URL copied through fields or other methods is case 4.
 * Field and resource constants have no method: only 3 and 4 apply.
 */
import type { AppModel } from './app.js';
import type { MethodKey } from './code-index.js';
import type { EndpointSource } from './endpoints.js';
import { libraryOf } from './libraries.js';

export type UrlUse =
  /** Passed to a network/WebView API in the method that loads it. */
  | 'request'
  /** Shown to the user or logged, and nothing else. */
  | 'text'
  /** A bare URL whose use is not visible here: treated as a request. */
  | 'unknown';

export interface UrlUseVerdict {
  use: UrlUse;
  /** The call that decided it ("Landroid/widget/TextView;->setText"), or "prose". */
  via: string | null;
}

const NETWORK_SINKS = [
  'Ljava/net/URL;-><init>',
  'Ljava/net/URI;-><init>',
  'Ljava/net/URI;->create',
  '*->loadUrl',
  '*->postUrl',
  '*->loadData',
  '*->loadDataWithBaseURL',
  'Lokhttp3/Request$Builder;->url',
  'Lokhttp3/HttpUrl;->parse',
  'Lokhttp3/HttpUrl;->get',
  'Lcom/squareup/okhttp/Request$Builder;->url',
  'Lretrofit2/Retrofit$Builder;->baseUrl',
  'Lorg/apache/http/client/methods/HttpGet;-><init>',
  'Lorg/apache/http/client/methods/HttpPost;-><init>',
  'Lorg/apache/http/client/methods/HttpPut;-><init>',
  'Lorg/apache/http/client/methods/HttpDelete;-><init>',
  'Lcom/android/volley/toolbox/StringRequest;-><init>',
  'Lcom/android/volley/toolbox/JsonObjectRequest;-><init>',
  'Lcom/android/volley/toolbox/JsonArrayRequest;-><init>',
  'Landroid/app/DownloadManager$Request;-><init>',
  '*->setDataSource',
];

const TEXT_SINKS = [
  '*->setText',
  '*->setHint',
  '*->setError',
  '*->setTitle',
  '*->setSubtitle',
  '*->setMessage',
  '*->setSummary',
  '*->setContentText',
  '*->setContentTitle',
  '*->setTicker',
  '*->setContentDescription',
  'Landroid/widget/Toast;->makeText',
  'Landroid/text/Html;->fromHtml',
  'Landroid/text/SpannableString;-><init>',
  'Landroid/content/ClipData;->newPlainText',
  'Landroid/content/ClipData;->newHtmlText',
  'Landroid/util/Log;->v',
  'Landroid/util/Log;->d',
  'Landroid/util/Log;->i',
  'Landroid/util/Log;->w',
  'Landroid/util/Log;->e',
  'Landroid/util/Log;->wtf',
  'Landroid/util/Log;->println',
  'Ljava/io/PrintStream;->println',
  'Ljava/io/PrintStream;->print',
];

interface SinkIndex {
  /** "method key\0value" -> first network sink / first text sink seen. */
  network: Map<string, string>;
  text: Map<string, string>;
}

const indexes = new WeakMap<AppModel, SinkIndex>();
const MAX_WRAPPERS = 500;

function methodId(m: MethodKey): string {
  return `${m.class}->${m.name}${m.proto}`;
}

function sinkIndex(app: AppModel): SinkIndex {
  let idx = indexes.get(app);
  if (idx) return idx;
  const fill = (refs: string[]): Map<string, string> => {
    const out = new Map<string, string>();
    for (const ref of refs) {
      for (const site of app.code.callsTo(ref)) {
        for (const a of site.args) {
          if (a.kind !== 'string' || !a.value.includes('://')) continue;
          const k = `${methodId(site.caller)}\u0000${a.value}`;
          if (!out.has(k)) out.set(k, site.target.replace(/\(.*$/, ''));
        }
      }
    }
    return out;
  };
  const network = fill(NETWORK_SINKS);
  // One level of first-party wrappers: a method with a String parameter that calls a network sink.
  const wrappers = new Map<string, string>();
  for (const ref of NETWORK_SINKS) {
    for (const m of app.code.callersOf(ref)) {
      if (wrappers.size >= MAX_WRAPPERS) break;
      const params = m.proto.slice(1, m.proto.indexOf(')'));
      if (!params.includes('Ljava/lang/String;') || libraryOf(m.class, [], app.manifest.package)) continue;
      const id = methodId(m);
      if (!wrappers.has(id)) wrappers.set(id, ref);
    }
  }
  for (const [id, sink] of wrappers) {
    for (const [k, v] of fill([id])) if (!network.has(k)) network.set(k, `${v} -> ${sink}`);
  }
  idx = { network, text: fill(TEXT_SINKS) };
  indexes.set(app, idx);
  return idx;
}

const REQUEST_LINE = /^(?:GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT)\s+\S/;
const MARKUP_OR_SCRIPT = /\bsrc\s*=|<script|<link\b|<iframe|\bfetch\s*\(|XMLHttpRequest|\burl\s*\(/i;

/** The URL sits among words in a sentence (not a URL on its own, not a request or page). */
export function isProse(value: string, url: string): boolean {
  const v = value.trim();
  if (v === url || !/\s/.test(v)) return false;
  if (REQUEST_LINE.test(v) || MARKUP_OR_SCRIPT.test(v)) return false;
  const rest = v.split(url).join(' ');
  const words = rest.match(/[A-Za-z]{2,}/g) ?? [];
  return words.length >= 2;
}

/** How one source of an endpoint uses its URL (see the module comment). */
export function urlUse(app: AppModel, source: EndpointSource, url: string): UrlUseVerdict {
  if (source.kind === 'asset') return { use: 'unknown', via: null };
  const value = source.value ?? url;
  if (source.kind === 'code') {
    const idx = sinkIndex(app);
    const k = `${methodId(source.method)}\u0000${value}`;
    const net = idx.network.get(k);
    if (net) return { use: 'request', via: net };
    const text = idx.text.get(k);
    if (text) return { use: 'text', via: text };
  }
  if (isProse(value, url)) return { use: 'text', via: 'prose' };
  return { use: 'unknown', via: null };
}
