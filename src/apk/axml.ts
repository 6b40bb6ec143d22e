/**
 * Android binary XML (AXML) reader: AndroidManifest.xml and compiled res/**.xml files.
 *
 * File = RES_XML_TYPE chunk containing a string pool, a resource map (the attribute resource id
 * of each of the first N strings), then a flat sequence of nodes: START/END_NAMESPACE,
 * START/END_ELEMENT and CDATA. Each node is ResXMLTree_node {ResChunk_header, u32 lineNumber,
 * u32 comment} followed, at headerSize, by its extension:
 *   namespace: u32 prefix, u32 uri
 *   start element: u32 ns, u32 name, u16 attributeStart, u16 attributeSize, u16 attributeCount,
 *                  u16 idIndex, u16 classIndex, u16 styleIndex; attributes at
 *                  ext + attributeStart + i * attributeSize, each {u32 ns, u32 name,
 *                  u32 rawValue, Res_value typedValue}
 *   end element: u32 ns, u32 name
 *   cdata: u32 data, Res_value typedData
 *
 * The reader follows what Android's ResXMLTree does rather than what a strict reader would:
 * attribute names are taken from the resource map when the id is a known framework attribute
 * (Android itself only looks at ids), header sizes and attribute strides are honoured, and
 * unknown chunks are skipped by size. Structural damage yields a partial document plus
 * warnings; FormatError is thrown only when nothing usable could be read.
 */

import { FormatError, type ReadWarning, warning } from './errors.js';
import { StringPool, RES_STRING_POOL_TYPE } from './string-pool.js';
import { type ResValue, decodeResValue, formatResValue } from './res-value.js';
import { ANDROID_NS, attrId, attrName } from './android-attrs.js';

export { ANDROID_NS } from './android-attrs.js';

export const RES_XML_TYPE = 0x0003;
export const RES_XML_START_NAMESPACE_TYPE = 0x0100;
export const RES_XML_END_NAMESPACE_TYPE = 0x0101;
export const RES_XML_START_ELEMENT_TYPE = 0x0102;
export const RES_XML_END_ELEMENT_TYPE = 0x0103;
export const RES_XML_CDATA_TYPE = 0x0104;
export const RES_XML_LAST_NODE_TYPE = 0x017f;
export const RES_XML_RESOURCE_MAP_TYPE = 0x0180;

export interface AxmlNamespace {
  prefix: string;
  uri: string;
}

export interface AxmlAttribute {
  /** Namespace URI; ANDROID_NS for attributes identified as framework attributes by resource id. */
  ns: string | null;
  /** Local name; for framework attributes the name belonging to the resource id. */
  name: string;
  /** Resource id from the resource map (null when the name has no id). */
  resourceId: number | null;
  /** The rawValue string (null when absent). */
  raw: string | null;
  value: ResValue;
  /** The name exactly as found in the string pool, when it differs from `name` (obfuscated / missing). */
  rawName?: string | null;
  /** The namespace exactly as found in the file, when it differs from `ns`. */
  rawNs?: string | null;
  /** Raw Res_value dataType and data (for aapt-style dumps). */
  dataType?: number;
  data?: number;
}

export interface AxmlElement {
  ns: string | null;
  name: string;
  /** lineNumber of the START_ELEMENT node. */
  line: number;
  attributes: AxmlAttribute[];
  children: AxmlElement[];
  /** All character data directly inside the element, concatenated (null if none). */
  text: string | null;
  /** Namespaces declared by START_NAMESPACE nodes right before this element. */
  nsDecls?: AxmlNamespace[];
  /** Child elements and text runs in document order (when the element has text). */
  content?: (AxmlElement | string)[];
}

export interface AxmlDocument {
  root: AxmlElement | null;
  /** Every namespace declaration in the file, in order. */
  namespaces: AxmlNamespace[];
  warnings: ReadWarning[];
}

const MAX_WARNINGS = 100;
/** Renderers stop indenting deeper than this, so hostile nesting cannot blow up the output quadratically. */
const MAX_INDENT = 128;

/** Parses a binary XML file. `file` names it in errors and warnings. */
export function parseAxml(bytes: Uint8Array, file: string): AxmlDocument {
  const warnings: ReadWarning[] = [];
  let warned = 0;
  const warn = (msg: string, code: ReadWarning['code'] = 'analysis-incomplete') => {
    warned++;
    if (warned <= MAX_WARNINGS) warnings.push(warning(file, msg, code));
    else if (warned === MAX_WARNINGS + 1) warnings.push(warning(file, 'further problems not reported', code));
  };
  const hx = (n: number) => `0x${n.toString(16)}`;

  if (bytes.length < 8) throw new FormatError(file, 'xml header', 0, `file is ${bytes.length} bytes, too short for a binary XML header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fileType = dv.getUint16(0, true);
  const fileHeaderSize = dv.getUint16(2, true);
  let dataEnd = dv.getUint32(4, true);
  if (fileType !== RES_XML_TYPE) {
    if (bytes[0] === 0x3c /* '<' */ || bytes[0] === 0xef || fileHeaderSize < 8 || fileHeaderSize >= bytes.length) {
      throw new FormatError(file, 'xml header', 0, `not a binary XML file (chunk type ${hx(fileType)})`);
    }
    // Android's ResXMLTree does not check the file's chunk type; some packers change it.
    warn(`file chunk type ${hx(fileType)} is not RES_XML_TYPE (0x3); read anyway as Android does`, 'suspicious-structure');
  }
  if (fileHeaderSize < 8 || fileHeaderSize > bytes.length) {
    throw new FormatError(file, 'xml header', 0, `header size ${fileHeaderSize} is invalid`);
  }
  if (fileHeaderSize > 8) warn(`xml header has ${fileHeaderSize - 8} extra bytes`, 'suspicious-structure');
  if (dataEnd > bytes.length) {
    warn(`xml size ${dataEnd} is larger than the file (${bytes.length} bytes): the file is truncated`);
    dataEnd = bytes.length;
  } else if (dataEnd < fileHeaderSize) {
    warn(`xml size ${dataEnd} is smaller than its header; using the file size`, 'suspicious-structure');
    dataEnd = bytes.length;
  } else if (dataEnd < bytes.length) {
    warn(`${bytes.length - dataEnd} bytes after the end of the xml chunk are ignored (as Android does)`, 'suspicious-structure');
  }

  let pool: StringPool | null = null;
  let resMap: Uint32Array | null = null;
  let sawNode = false;
  let fatal = false;

  const namespaces: AxmlNamespace[] = [];
  let pendingNs: AxmlNamespace[] = [];
  let root: AxmlElement | null = null;
  const stack: AxmlElement[] = [];
  let extraRoots = 0;
  const str = (i: number): string | null => (i === 0xffffffff ? null : (pool ?? StringPool.empty()).get(i));

  let pos = fileHeaderSize;
  while (pos < dataEnd) {
    if (pos + 8 > dataEnd) {
      warn(`${dataEnd - pos} trailing bytes at offset ${hx(pos)} are too short for a chunk`, 'suspicious-structure');
      break;
    }
    const type = dv.getUint16(pos, true);
    const headerSize = dv.getUint16(pos + 2, true);
    const size = dv.getUint32(pos + 4, true);
    if (size < 8 || headerSize < 8 || headerSize > size) {
      warn(`chunk at offset ${hx(pos)} (type ${hx(type)}) has invalid size ${size} / header size ${headerSize}; parsing stopped`);
      fatal = true;
      break;
    }
    let end = pos + size;
    let last = false;
    if (end > dataEnd) {
      warn(`chunk at offset ${hx(pos)} (type ${hx(type)}) size ${size} runs past the end of the file; parsing stopped`);
      fatal = true;
      end = dataEnd;
      last = true;
    }
    if (((size | headerSize) & 3) !== 0) warn(`chunk at offset ${hx(pos)} (type ${hx(type)}) size is not a multiple of 4`, 'suspicious-structure');

    if (type === RES_STRING_POOL_TYPE) {
      if (sawNode) warn(`string pool at offset ${hx(pos)} after the first node ignored (as Android does)`, 'suspicious-structure');
      else {
        if (pool) warn(`second string pool at offset ${hx(pos)} replaces the first (as Android does)`, 'suspicious-structure');
        try {
          pool = StringPool.parse(bytes, pos, { file, part: 'string pool', warnings }, end);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          warn(e.message);
        }
      }
    } else if (type === RES_XML_RESOURCE_MAP_TYPE) {
      if (sawNode) warn(`resource map at offset ${hx(pos)} after the first node ignored`, 'suspicious-structure');
      else {
        const n = Math.max(0, Math.floor((end - pos - headerSize) / 4));
        resMap = new Uint32Array(n);
        for (let i = 0; i < n; i++) resMap[i] = dv.getUint32(pos + headerSize + 4 * i, true);
      }
    } else if (type >= RES_XML_START_NAMESPACE_TYPE && type <= RES_XML_LAST_NODE_TYPE) {
      if (!sawNode) {
        sawNode = true;
        if (!pool) warn('no string pool before the first node: names and strings are unavailable');
      }
      if (headerSize < 16 || pos + headerSize > end) {
        warn(`node at offset ${hx(pos)} has header size ${headerSize} (needs 16 within its ${end - pos} bytes); parsing stopped`);
        fatal = true;
        break;
      }
      const line = dv.getUint32(pos + 8, true);
      const ext = pos + headerSize;
      const extSize = end - ext;
      const need = type === RES_XML_START_ELEMENT_TYPE ? 20 : type === RES_XML_CDATA_TYPE ? 12 : 8;
      const known = type <= RES_XML_CDATA_TYPE;
      if (known && extSize < need) {
        warn(`node type ${hx(type)} at offset ${hx(pos)} is too small (${extSize} bytes, needs ${need}); parsing stopped`);
        fatal = true;
        break;
      }
      switch (type) {
        case RES_XML_START_NAMESPACE_TYPE:
        case RES_XML_END_NAMESPACE_TYPE: {
          const prefix = str(dv.getUint32(ext, true));
          const uri = str(dv.getUint32(ext + 4, true));
          if (type === RES_XML_START_NAMESPACE_TYPE) {
            const ns = { prefix: prefix ?? '', uri: uri ?? '' };
            namespaces.push(ns);
            pendingNs.push(ns);
          }
          break;
        }
        case RES_XML_START_ELEMENT_TYPE: {
          const el = readElement(ext, end, line);
          if (pendingNs.length) {
            el.nsDecls = pendingNs;
            pendingNs = [];
          }
          const parent = stack[stack.length - 1];
          if (parent) {
            parent.children.push(el);
            parent.content?.push(el);
          } else if (!root) {
            root = el;
          } else {
            extraRoots++;
            if (extraRoots === 1) warn(`more than one top-level element (<${el.name}> at line ${line} and after); only the first is used`, 'suspicious-structure');
          }
          stack.push(el);
          break;
        }
        case RES_XML_END_ELEMENT_TYPE: {
          const top = stack.pop();
          if (!top) {
            warn(`end of element at offset ${hx(pos)} without a matching start`, 'suspicious-structure');
            break;
          }
          const name = str(dv.getUint32(ext + 4, true));
          if (name !== null && name !== top.name) {
            warn(`end tag </${name}> at line ${line} closes <${top.name}>`, 'suspicious-structure');
          }
          break;
        }
        case RES_XML_CDATA_TYPE: {
          const text = str(dv.getUint32(ext, true)) ?? '';
          const parent = stack[stack.length - 1];
          if (parent) {
            parent.text = (parent.text ?? '') + text;
            if (!parent.content) parent.content = [...parent.children];
            parent.content.push(text);
          }
          break;
        }
        default:
          warn(`unknown node type ${hx(type)} at offset ${hx(pos)} skipped`, 'suspicious-structure');
      }
    } else {
      warn(`unknown chunk type ${hx(type)} at offset ${hx(pos)} skipped`, 'suspicious-structure');
    }
    if (last) break;
    pos = end;
  }

  if (stack.length) warn(`document ends with ${stack.length} element(s) not closed`);
  if (!root && (fatal || !pool)) {
    throw new FormatError(file, 'xml tree', pos, warnings.map((w) => w.message).join('; ') || 'no element found');
  }
  return { root, namespaces, warnings };

  function readElement(ext: number, end: number, line: number): AxmlElement {
    const ns = str(dv.getUint32(ext, true));
    const nameIdx = dv.getUint32(ext + 4, true);
    let name = str(nameIdx);
    if (name === null) {
      warn(`element at line ${line} has no name (string ${nameIdx})`, 'suspicious-structure');
      name = '';
    }
    const attributeStart = dv.getUint16(ext + 8, true);
    const attributeSize = dv.getUint16(ext + 10, true);
    let count = dv.getUint16(ext + 12, true);
    if (attributeStart !== 20 || attributeSize !== 20) {
      warn(`<${name}> at line ${line}: attributeStart ${attributeStart} / attributeSize ${attributeSize} (not 20/20)`, 'suspicious-structure');
    }
    // Each attribute is read as 20 bytes at its stride, like Android does.
    let fit = count;
    while (fit > 0 && ext + attributeStart + attributeSize * (fit - 1) + 20 > dataEnd) fit--;
    if (fit < count) {
      warn(`<${name}> at line ${line}: ${count - fit} of ${count} attributes run past the end of the file`);
      count = fit;
    } else if (ext + attributeStart + attributeSize * count > end) {
      warn(`<${name}> at line ${line}: attributes run past the end of their node`, 'suspicious-structure');
    }
    const attributes: AxmlAttribute[] = [];
    for (let i = 0; i < count; i++) {
      const a = ext + attributeStart + attributeSize * i;
      const attrNsIdx = dv.getUint32(a, true);
      const attrNameIdx = dv.getUint32(a + 4, true);
      const rawIdx = dv.getUint32(a + 8, true);
      const dataType = bytes[a + 15];
      const data = dv.getUint32(a + 16, true);
      const fileNs = str(attrNsIdx);
      const fileName = str(attrNameIdx);
      const rid = resMap && attrNameIdx < resMap.length ? resMap[attrNameIdx] : 0;
      const resourceId = rid === 0 ? null : rid;
      const attr: AxmlAttribute = {
        ns: fileNs,
        name: fileName ?? '',
        resourceId,
        raw: str(rawIdx),
        value: decodeResValue(dataType, data, pool),
        dataType,
        data,
      };
      const known = resourceId !== null ? attrName(resourceId) : null;
      if (known !== null) {
        if (fileName !== known || fileNs !== ANDROID_NS) {
          warn(
            `<${name}> at line ${line}: attribute ${fileNs === null ? '' : `{${fileNs}}`}"${fileName ?? ''}" has the id of android:${known}; named by its id as Android does`,
            'suspicious-structure',
          );
          attr.rawName = fileName;
          attr.rawNs = fileNs;
          attr.name = known;
          attr.ns = ANDROID_NS;
        }
      } else if (fileName === null || fileName === '') {
        warn(`<${name}> at line ${line}: attribute ${i} has no name${resourceId !== null ? ` (unknown resource id 0x${resourceId.toString(16)})` : ''}`, 'suspicious-structure');
        attr.rawName = fileName;
      }
      attributes.push(attr);
    }
    return { ns, name, line, attributes, children: [], text: null };
  }
}

// ---------------------------------------------------------------------------------------------
// Accessors

/**
 * The attribute `name` of `el` in namespace `ns` (default android). Framework attributes are
 * matched by resource id first, as Android does; otherwise by namespace and name.
 */
export function getAttr(el: AxmlElement, name: string, ns: string | null = ANDROID_NS): AxmlAttribute | undefined {
  if (ns === ANDROID_NS) {
    const id = attrId(name);
    if (id !== null) {
      const byId = el.attributes.find((a) => a.resourceId === id);
      if (byId) return byId;
    }
  }
  return el.attributes.find((a) => a.name === name && (a.ns ?? null) === (ns ?? null) && !(a.resourceId !== null && attrName(a.resourceId) !== null && attrName(a.resourceId) !== name));
}

/** String value of an attribute; null when absent or not a string. */
export function attrString(el: AxmlElement, name: string, ns: string | null = ANDROID_NS): string | null {
  const a = getAttr(el, name, ns);
  return a && a.value.type === 'string' ? a.value.value : null;
}

/** Boolean value; int-dec/int-hex 0 / non-0 count too (as Android's TypedArray.getBoolean). Null when absent or another type. */
export function attrBool(el: AxmlElement, name: string, ns: string | null = ANDROID_NS): boolean | null {
  const a = getAttr(el, name, ns);
  if (!a) return null;
  const v = a.value;
  if (v.type === 'bool') return v.value;
  if (v.type === 'int-dec' || v.type === 'int-hex') return v.value !== 0;
  return null;
}

/** Integer value (int-dec signed, int-hex unsigned); null when absent or another type. */
export function attrInt(el: AxmlElement, name: string, ns: string | null = ANDROID_NS): number | null {
  const a = getAttr(el, name, ns);
  if (!a) return null;
  const v = a.value;
  return v.type === 'int-dec' || v.type === 'int-hex' ? v.value : null;
}

/** `el` itself (if it matches) and all its descendant elements named `name`, in document order. */
export function findAll(el: AxmlElement, name: string): AxmlElement[] {
  const out: AxmlElement[] = [];
  visit(el, 0, (e, d) => {
    if (e.name === name) out.push(e);
    return d;
  });
  return out;
}

/**
 * Depth-first walk without recursion (hostile files can nest elements arbitrarily deep).
 * `enter` returns the depth of the element's line (it may add namespace levels); children are
 * visited at that depth + 1, text runs are passed at that depth + 1.
 */
function visit(
  root: AxmlElement,
  depth: number,
  enter: (el: AxmlElement, depth: number) => number,
  text?: (t: string, depth: number) => void,
  leave?: (el: AxmlElement) => void,
): void {
  const stack: { el: AxmlElement; depth: number; items: (AxmlElement | string)[]; i: number }[] = [];
  const push = (el: AxmlElement, d: number) => stack.push({ el, depth: enter(el, d), items: el.content ?? el.children, i: 0 });
  push(root, depth);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.i >= top.items.length) {
      stack.pop();
      leave?.(top.el);
      continue;
    }
    const item = top.items[top.i++];
    if (typeof item === 'string') text?.(item, top.depth + 1);
    else push(item, top.depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** aapt's ResTable::normalizeForOutput: stops at NUL, escapes backslash, newline and quote. */
function aaptEscape(s: string): string {
  const z = s.indexOf('\u0000');
  if (z >= 0) s = s.slice(0, z);
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function typedOf(a: AxmlAttribute): { dataType: number; data: number } {
  if (a.dataType !== undefined && a.data !== undefined) return { dataType: a.dataType, data: a.data };
  const v = a.value;
  // Attributes built by hand (no raw fields): derive the common cases.
  switch (v.type) {
    case 'string':
      return { dataType: 0x03, data: v.index };
    case 'reference':
      return { dataType: 0x01, data: v.id };
    case 'attribute':
      return { dataType: 0x02, data: v.id };
    case 'bool':
      return { dataType: 0x12, data: v.value ? 0xffffffff : 0 };
    case 'int-dec':
      return { dataType: 0x10, data: v.value >>> 0 };
    case 'int-hex':
      return { dataType: 0x11, data: v.value >>> 0 };
    case 'null':
      return { dataType: 0x00, data: v.empty ? 1 : 0 };
    default:
      return { dataType: 0xff, data: 0 };
  }
}

/**
 * Text in the layout of `aapt dump xmltree` (Android 10's printXMLBlock): "N:" namespace lines,
 * "E:" elements with (line=N), "A:" attributes with the resource id, typed values as
 * `(type 0x10)0x1`, references as `@0x7f020000`, strings as `"..."` and `(Raw: "...")`, and
 * "C:" text. Attribute names are printed as they are in the file (not resolved from ids).
 * Indentation stops growing past 128 levels (only hostile files nest that deep).
 */
export function renderXmlTree(doc: AxmlDocument): string {
  const out: string[] = [];
  const stack: AxmlNamespace[] = [];
  const prefixOf = (uri: string | null): string => {
    if (uri === null) return '';
    const hit = stack.find((n) => n.uri === uri);
    return `${hit ? hit.prefix : uri}:`;
  };
  const pad = (d: number) => '  '.repeat(Math.min(d, MAX_INDENT));
  if (doc.root) {
    visit(
      doc.root,
      0,
      (el, depth) => {
        for (const ns of el.nsDecls ?? []) {
          out.push(`${pad(depth)}N: ${ns.prefix || '<DEF>'}=${ns.uri}`);
          stack.push(ns);
          depth++;
        }
        out.push(`${pad(depth)}E: ${prefixOf(el.ns)}${el.name} (line=${el.line})`);
        for (const a of el.attributes) {
          const name = a.rawName !== undefined ? (a.rawName ?? '') : a.name;
          const ns = a.rawNs !== undefined ? a.rawNs : a.ns;
          let line = `${pad(depth + 1)}A: ${prefixOf(ns)}${name}`;
          if (a.resourceId !== null) line += `(0x${a.resourceId.toString(16).padStart(8, '0')})`;
          const { dataType, data } = typedOf(a);
          if (dataType === 0x00) line += '=(null)';
          else if (dataType === 0x01) line += `=@0x${(data >>> 0).toString(16).padStart(8, '0')}`;
          else if (dataType === 0x02) line += `=?0x${(data >>> 0).toString(16).padStart(8, '0')}`;
          else if (dataType === 0x03) line += `="${aaptEscape(a.raw ?? '')}"`;
          else line += `=(type 0x${dataType.toString(16)})0x${(data >>> 0).toString(16)}`;
          if (a.raw !== null) line += ` (Raw: "${aaptEscape(a.raw)}")`;
          out.push(line);
        }
        return depth;
      },
      (t, depth) => out.push(`${pad(depth)}C: "${aaptEscape(t)}"`),
      (el) => {
        for (let i = 0; i < (el.nsDecls?.length ?? 0); i++) stack.pop();
      },
    );
  }
  return out.length ? out.join('\n') + '\n' : '';
}

function xmlEscape(s: string, attr: boolean): string {
  let r = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (attr) r = r.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
  // Characters XML 1.0 cannot carry at all.
  // eslint-disable-next-line no-control-regex
  return r.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

/**
 * Readable XML text: names resolved (framework attributes get their android: name even when
 * obfuscated in the file), typed values formatted ("true", "16dp", "@0x7f020000", "#ff000000").
 * `nameOf` may turn resource ids into names, e.g. `(id) => table.nameOf(id)`.
 */
export function renderXml(doc: AxmlDocument, nameOf?: (id: number) => string | null): string {
  const lines: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  if (!doc.root) return lines.join('\n') + '\n';
  const prefixes = new Map<string, string>();
  const declared: AxmlNamespace[] = [];
  const declare = (uri: string, want: string) => {
    if (prefixes.has(uri)) return;
    let p = want && /^[A-Za-z_][\w.-]*$/.test(want) && ![...prefixes.values()].includes(want) ? want : '';
    if (!p) {
      for (let i = 0; ; i++) {
        if (![...prefixes.values()].includes(`ns${i}`)) {
          p = `ns${i}`;
          break;
        }
      }
    }
    prefixes.set(uri, p);
    declared.push({ prefix: p, uri });
  };
  for (const ns of doc.namespaces) if (ns.uri) declare(ns.uri, ns.prefix);
  visit(doc.root, 0, (el, d) => {
    if (el.ns) declare(el.ns, '');
    for (const a of el.attributes) if (a.ns) declare(a.ns, a.ns === ANDROID_NS ? 'android' : '');
    return d;
  });
  const qname = (ns: string | null, name: string) => (ns ? `${prefixes.get(ns)}:${name}` : name);
  const valueText = (a: AxmlAttribute) => {
    if (a.value.type === 'string') return a.value.value;
    return formatResValue(a.value, nameOf);
  };
  const root = doc.root;
  const tag = (el: AxmlElement) => qname(el.ns, el.name || '_');
  const closes = new Map<AxmlElement, string>();
  visit(
    root,
    0,
    (el, depth) => {
      const pad = '    '.repeat(Math.min(depth, MAX_INDENT));
      const attrs: string[] = [];
      if (el === root) for (const d of declared) attrs.push(`xmlns:${d.prefix}="${xmlEscape(d.uri, true)}"`);
      for (const a of el.attributes) attrs.push(`${qname(a.ns, a.name || '_')}="${xmlEscape(valueText(a), true)}"`);
      const open = `${pad}<${tag(el)}${attrs.length ? ' ' + attrs.join(' ') : ''}`;
      const content = el.content ?? el.children;
      if (content.length === 0) {
        lines.push(`${open} />`);
      } else if (content.every((c) => typeof c === 'string')) {
        lines.push(`${open}>${xmlEscape(content.join(''), false)}</${tag(el)}>`);
        return -1; // text already written
      } else {
        lines.push(`${open}>`);
        closes.set(el, `${pad}</${tag(el)}>`);
      }
      return depth;
    },
    (t, depth) => {
      const s = t.trim();
      if (s && depth > 0) lines.push(`${'    '.repeat(Math.min(depth, MAX_INDENT))}${xmlEscape(s, false)}`);
    },
    (el) => {
      const c = closes.get(el);
      if (c) lines.push(c);
    },
  );
  return lines.join('\n') + '\n';
}
