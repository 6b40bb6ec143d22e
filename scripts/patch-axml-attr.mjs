#!/usr/bin/env node
// Rewrites one attribute of a compiled (binary AXML) AndroidManifest.xml: gives it a new
// android: resource id and a new name. Used by scripts/build-fixtures.sh to get
// android:dataExtractionRules (API 31) into a manifest compiled against Debian's API 29
// framework-res.apk, where aapt does not know that attribute: the source manifest carries the
// value on a placeholder attribute that aapt knows, and this script renames it afterwards.
//
//   node scripts/patch-axml-attr.mjs <in.apk|in.axml> <out.axml> \
//       --from 0x0101057a --to 0x0101063e --name dataExtractionRules
//
// <in> may be an APK (its AndroidManifest.xml entry is read) or a bare binary XML file.
// The output is the patched binary XML; put it back with `aapt remove` + `aapt add`.
//
// What it changes, and what it checks:
//   - the XML resource map: the single entry holding --from becomes --to;
//   - the string pool: the string at that index (the attribute's name) becomes --name; the
//     pool is re-encoded (UTF-8 or UTF-16, as it was) and the chunk sizes fixed up;
//   - it refuses to run when the placeholder's name string is used for anything other than
//     that attribute's name, when --name is already in the pool, or when the patched element's
//     attributes would no longer be sorted by resource id (the platform's attribute lookup
//     walks them in id order, so an out-of-order attribute is silently not found).
// No dependencies beyond Node's standard library.

import { readFileSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const RES_STRING_POOL_TYPE = 0x0001;
const RES_XML_TYPE = 0x0003;
const RES_XML_START_ELEMENT_TYPE = 0x0102;
const RES_XML_RESOURCE_MAP_TYPE = 0x0180;
const UTF8_FLAG = 0x100;
const SORTED_FLAG = 0x1;
const NO_INDEX = 0xffffffff;

function fail(message) {
  console.error(`patch-axml-attr: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      options[arg.slice(2)] = argv[++i];
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2 || !options.from || !options.to || !options.name) {
    fail('usage: patch-axml-attr.mjs <in.apk|in.axml> <out.axml> --from 0xID --to 0xID --name attrName');
  }
  const from = Number.parseInt(options.from, 16);
  const to = Number.parseInt(options.to, 16);
  if (!Number.isInteger(from) || !Number.isInteger(to)) fail('--from and --to must be hex resource ids');
  return { input: positional[0], output: positional[1], from, to, name: options.name };
}

/** Reads one entry of a zip file (stored or deflated) with nothing but node:zlib. */
function readZipEntry(zip, wanted) {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('input is not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) fail('broken zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressedSize = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    p += 46 + nameLength + extraLength + commentLength;
    if (name !== wanted) continue;
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) return Buffer.from(data);
    if (method === 8) return inflateRawSync(data);
    fail(`${wanted}: unsupported zip compression method ${method}`);
  }
  fail(`no ${wanted} in the zip`);
}

// ---- string pool -------------------------------------------------------------------------

function readLength8(buf, p) {
  const first = buf[p];
  return first & 0x80 ? { value: ((first & 0x7f) << 8) | buf[p + 1], size: 2 } : { value: first, size: 1 };
}

function readLength16(buf, p) {
  const first = buf.readUInt16LE(p);
  return first & 0x8000
    ? { value: ((first & 0x7fff) << 16) | buf.readUInt16LE(p + 2), size: 4 }
    : { value: first, size: 2 };
}

function decodeStringPool(chunk) {
  const headerSize = chunk.readUInt16LE(2);
  const stringCount = chunk.readUInt32LE(8);
  const styleCount = chunk.readUInt32LE(12);
  const flags = chunk.readUInt32LE(16);
  const stringsStart = chunk.readUInt32LE(20);
  if (styleCount !== 0) fail('string pools with styles are not supported');
  const utf8 = (flags & UTF8_FLAG) !== 0;
  const strings = [];
  for (let i = 0; i < stringCount; i++) {
    let p = stringsStart + chunk.readUInt32LE(headerSize + 4 * i);
    if (utf8) {
      p += readLength8(chunk, p).size; // length in UTF-16 units, not needed to decode
      const bytes = readLength8(chunk, p);
      p += bytes.size;
      strings.push(chunk.toString('utf8', p, p + bytes.value));
    } else {
      const units = readLength16(chunk, p);
      p += units.size;
      strings.push(chunk.toString('utf16le', p, p + units.value * 2));
    }
  }
  return { headerSize, flags, utf8, strings };
}

function encodeLength8(n) {
  if (n > 0x7fff) fail('string too long for a UTF-8 pool');
  return n > 0x7f ? Buffer.from([0x80 | (n >> 8), n & 0xff]) : Buffer.from([n]);
}

function encodeLength16(n) {
  if (n > 0x7fff) {
    const b = Buffer.alloc(4);
    b.writeUInt16LE(0x8000 | (n >>> 16), 0);
    b.writeUInt16LE(n & 0xffff, 2);
    return b;
  }
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n, 0);
  return b;
}

function encodeStringPool({ headerSize, flags, utf8, strings }) {
  const encoded = strings.map((s) => {
    if (utf8) {
      const bytes = Buffer.from(s, 'utf8');
      return Buffer.concat([encodeLength8(s.length), encodeLength8(bytes.length), bytes, Buffer.from([0])]);
    }
    return Buffer.concat([encodeLength16(s.length), Buffer.from(s, 'utf16le'), Buffer.alloc(2)]);
  });
  const offsets = Buffer.alloc(4 * strings.length);
  let at = 0;
  encoded.forEach((e, i) => {
    offsets.writeUInt32LE(at, 4 * i);
    at += e.length;
  });
  let data = Buffer.concat(encoded);
  if (data.length % 4) data = Buffer.concat([data, Buffer.alloc(4 - (data.length % 4))]);
  const header = Buffer.alloc(headerSize);
  header.writeUInt16LE(RES_STRING_POOL_TYPE, 0);
  header.writeUInt16LE(headerSize, 2);
  header.writeUInt32LE(headerSize + offsets.length + data.length, 4);
  header.writeUInt32LE(strings.length, 8);
  header.writeUInt32LE(0, 12); // styles
  header.writeUInt32LE(flags & ~SORTED_FLAG, 16); // renaming may break a sorted pool
  header.writeUInt32LE(headerSize + offsets.length, 20);
  header.writeUInt32LE(0, 24);
  return Buffer.concat([header, offsets, data]);
}

// ---- main --------------------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
let xml = readFileSync(args.input);
if (xml.readUInt32LE(0) === 0x04034b50) xml = readZipEntry(xml, 'AndroidManifest.xml');
if (xml.readUInt16LE(0) !== RES_XML_TYPE) fail('input is not a binary XML file');

// Split the document into its chunks (the string pool comes first, then the resource map).
const chunks = [];
for (let p = xml.readUInt16LE(2); p < xml.length; ) {
  const size = xml.readUInt32LE(p + 4);
  if (size < 8 || p + size > xml.length) fail(`broken chunk at offset 0x${p.toString(16)}`);
  chunks.push({ type: xml.readUInt16LE(p), buf: Buffer.from(xml.subarray(p, p + size)) });
  p += size;
}
const poolChunk = chunks.find((c) => c.type === RES_STRING_POOL_TYPE);
const mapChunk = chunks.find((c) => c.type === RES_XML_RESOURCE_MAP_TYPE);
if (!poolChunk || !mapChunk) fail('no string pool or no resource map');

const pool = decodeStringPool(poolChunk.buf);
const mapCount = (mapChunk.buf.readUInt32LE(4) - mapChunk.buf.readUInt16LE(2)) / 4;
const mapStart = mapChunk.buf.readUInt16LE(2);
const resIdOf = (stringIndex) =>
  stringIndex < mapCount ? mapChunk.buf.readUInt32LE(mapStart + 4 * stringIndex) : null;

const hits = [];
for (let i = 0; i < mapCount; i++) if (resIdOf(i) === args.from) hits.push(i);
if (hits.length !== 1) fail(`expected one resource-map entry 0x${args.from.toString(16)}, found ${hits.length}`);
const index = hits[0];
if (pool.strings.includes(args.name)) fail(`"${args.name}" is already in the string pool`);

// Walk the elements: the placeholder string may only be used as that attribute's name, and
// the elements holding it must stay sorted by attribute resource id after the patch.
let patchedAttributes = 0;
for (const chunk of chunks) {
  if (chunk.type !== RES_XML_START_ELEMENT_TYPE) continue;
  const b = chunk.buf;
  const ext = b.readUInt16LE(2); // header size; the attrExt follows it
  const elementName = b.readUInt32LE(ext + 4);
  const attrStart = b.readUInt16LE(ext + 8);
  const attrSize = b.readUInt16LE(ext + 10);
  const attrCount = b.readUInt16LE(ext + 12);
  if (elementName === index) fail('the placeholder name is also an element name');
  const ids = [];
  let holdsPlaceholder = false;
  for (let a = 0; a < attrCount; a++) {
    const p = ext + attrStart + a * attrSize;
    const name = b.readUInt32LE(p + 4);
    const rawValue = b.readUInt32LE(p + 8);
    const dataType = b[p + 15];
    const data = b.readUInt32LE(p + 16);
    if (rawValue === index || (dataType === 0x03 && data === index)) {
      fail('the placeholder name string is also used as an attribute value');
    }
    if (name === index) {
      holdsPlaceholder = true;
      patchedAttributes++;
    }
    const id = name === index ? args.to : resIdOf(name);
    if (id !== null) ids.push(id);
  }
  if (holdsPlaceholder && ids.some((id, i) => i > 0 && ids[i - 1] >= id)) {
    fail(
      `after the patch the attributes of element "${pool.strings[elementName]}" are not sorted by ` +
        `resource id (${ids.map((id) => '0x' + id.toString(16)).join(', ')}); ` +
        'use a placeholder attribute whose id sorts where the new one does',
    );
  }
}
if (patchedAttributes === 0) fail('no attribute uses the placeholder');

mapChunk.buf.writeUInt32LE(args.to, mapStart + 4 * index);
const oldName = pool.strings[index];
pool.strings[index] = args.name;
poolChunk.buf = encodeStringPool(pool);

const header = Buffer.from(xml.subarray(0, xml.readUInt16LE(2)));
const body = Buffer.concat(chunks.map((c) => c.buf));
header.writeUInt32LE(header.length + body.length, 4);
writeFileSync(args.output, Buffer.concat([header, body]));
console.log(
  `patch-axml-attr: ${oldName}(0x${args.from.toString(16).padStart(8, '0')}) -> ` +
    `${args.name}(0x${args.to.toString(16).padStart(8, '0')}) on ${patchedAttributes} attribute(s)`,
);
