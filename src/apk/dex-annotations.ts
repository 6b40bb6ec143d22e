/**
 * Which methods of a class carry a given annotation (e.g. `@JavascriptInterface`), read from the
 * class's annotations_directory_item. Only the annotation *types* are read (visibility byte, then
 * the type_idx of each encoded_annotation), never the element values.
 *
 * Layout (dex format, "annotations_directory_item"): class_annotations_off u4, fields_size u4,
 * annotated_methods_size u4, annotated_parameters_size u4, field_annotation[fields_size] (8 bytes
 * each), method_annotation[annotated_methods_size] {method_idx u4, annotations_off u4}, ...;
 * annotations_off -> annotation_set_item {size u4, annotation_off_item u4[size]} -> annotation_item
 * {visibility u1, encoded_annotation {type_idx uleb128, size uleb128, elements}}.
 *
 * Out-of-range offsets give an empty answer, never an exception.
 */
import type { DexClass, DexFile } from './dex.js';

function u32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

function uleb(b: Uint8Array, off: number): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    const x = b[off + i];
    if (x === undefined) return -1;
    result |= (x & 0x7f) << shift;
    if ((x & 0x80) === 0) return result >>> 0;
    shift += 7;
  }
  return -1;
}

/** method_idx -> annotation type descriptors, for every annotated method of `cls`. */
export function methodAnnotations(dex: DexFile, cls: DexClass): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const b = dex.bytes;
  const dir = cls.annotationsOff;
  if (dir === 0 || dir + 16 > b.length) return out;
  const fieldsSize = u32(b, dir + 4);
  const methodsSize = u32(b, dir + 8);
  let p = dir + 16 + fieldsSize * 8;
  if (methodsSize > 65535 || p + methodsSize * 8 > b.length) return out;
  for (let i = 0; i < methodsSize; i++, p += 8) {
    const methodIdx = u32(b, p);
    const setOff = u32(b, p + 4);
    if (setOff === 0 || setOff + 4 > b.length) continue;
    const n = u32(b, setOff);
    if (n > 1024 || setOff + 4 + n * 4 > b.length) continue;
    const types: string[] = [];
    for (let k = 0; k < n; k++) {
      const itemOff = u32(b, setOff + 4 + k * 4);
      if (itemOff + 1 >= b.length) continue;
      const typeIdx = uleb(b, itemOff + 1);
      if (typeIdx < 0 || typeIdx >= dex.header.typeIdsSize) continue;
      types.push(dex.type(typeIdx));
    }
    out.set(methodIdx, types);
  }
  return out;
}

/** Names of the methods of `cls` annotated with `annotationType` ("Landroid/webkit/JavascriptInterface;"). */
export function methodsAnnotatedWith(dex: DexFile, cls: DexClass, annotationType: string): string[] {
  const names: string[] = [];
  for (const [idx, types] of methodAnnotations(dex, cls)) {
    if (types.includes(annotationType) && idx < dex.header.methodIdsSize) names.push(dex.methodName(idx));
  }
  return [...new Set(names)];
}
