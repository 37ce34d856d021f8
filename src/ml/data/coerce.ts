/**
 * Unquoted CSV fields (and strings in number columns of JSON records) that mean
 * "missing", besides the empty field. A subset of pandas' defaults: common
 * spellings only, so that real categories are rarely swallowed.
 */
export const DEFAULT_NA_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None'];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Reads a plain decimal number (`-1.5`, `.5`, `2e-3`, surrounding spaces
 * allowed). Anything else - hex, `Infinity`, `1,000`, out-of-range values such
 * as `1e999` - gives NaN. `Number()` alone would accept `0x1F` and read `''`
 * as 0, hence the scan first.
 */
export function parseNumber(s: string): number {
  const c0 = s.charCodeAt(0);
  // Fast path for the common case; Number() agrees with the grammar below on
  // text that starts with a digit, sign or dot, except the 0x/0b/0o prefixes.
  if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46) {
    const v = +s;
    if (v - v !== 0) return NaN;
    if (c0 === 48 && s.length > 2) {
      const c1 = s.charCodeAt(1) | 32;
      if (c1 === 120 || c1 === 98 || c1 === 111) return NaN;
    }
    return v;
  }
  return parseNumberSlow(s);
}

function parseNumberSlow(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n && isBlank(s.charCodeAt(i))) i++;
  let end = n;
  while (end > i && isBlank(s.charCodeAt(end - 1))) end--;
  if (i === end) return NaN;
  let c = s.charCodeAt(i);
  if (c === 43 || c === 45) i++;
  let digits = 0;
  while (i < end && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < end && s.charCodeAt(i) === 46) {
    i++;
    while (i < end && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end) {
    c = s.charCodeAt(i);
    if (c !== 101 && c !== 69) return NaN;
    i++;
    if (i < end && ((c = s.charCodeAt(i)) === 43 || c === 45)) i++;
    let expDigits = 0;
    while (i < end && isDigit(s.charCodeAt(i))) {
      i++;
      expDigits++;
    }
    if (expDigits === 0 || i !== end) return NaN;
  }
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

/** A value shortened for error messages and error details. */
export function preview(value: unknown, max = 60): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null) s = String(value);
  else if (value === undefined) s = 'undefined';
  else if (Array.isArray(value)) s = 'an array';
  else s = 'an object';
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
