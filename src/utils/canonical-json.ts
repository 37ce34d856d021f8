import { createHash } from 'node:crypto';

/**
 * JSON text of a value with object keys sorted at every level, so that
 * `{a: 1, b: 2}` and `{b: 2, a: 1}` read the same. Numbers use JSON's text
 * (-0 is 0; NaN and Infinity, which JSON bodies cannot carry, become null).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const v = (value as Record<string, unknown>)[keys[i]];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(keys[i])}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/** A fixed-size key for an input instance: sha256 (base64) of its canonical JSON. */
export function instanceKey(instance: unknown): string {
  return createHash('sha256').update(canonicalJson(instance)).digest('base64');
}
