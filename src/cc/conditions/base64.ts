/**
 * Base64 for the JSON form and URIs (CC.md A8, A9): output is unpadded base64url; input may be
 * padded or not, URL-safe or standard (one alphabet per string), but must be canonical, i.e. the
 * bits left over after the last whole byte are zero.
 */

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[URL_ALPHABET.charCodeAt(i)] = i;
VALUES['+'.charCodeAt(0)] = 62;
VALUES['/'.charCodeAt(0)] = 63;

/** Unpadded base64url. Example: `base64UrlEncode(Uint8Array.of(0xe3))` is `'4w'`. */
export function base64UrlEncode(b: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    s += URL_ALPHABET[v >> 18]! + URL_ALPHABET[(v >> 12) & 63]! + URL_ALPHABET[(v >> 6) & 63]! + URL_ALPHABET[v & 63]!;
  }
  const rest = b.length - i;
  if (rest === 1) {
    const v = b[i]! << 16;
    s += URL_ALPHABET[v >> 18]! + URL_ALPHABET[(v >> 12) & 63]!;
  } else if (rest === 2) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8);
    s += URL_ALPHABET[v >> 18]! + URL_ALPHABET[(v >> 12) & 63]! + URL_ALPHABET[(v >> 6) & 63]!;
  }
  return s;
}

/**
 * Decodes canonical base64 in either alphabet, padded or not; `urlOnly` admits only unpadded
 * base64url (the URI fingerprint). Returns undefined for anything else.
 * Example: `base64Decode('4w')`, `base64Decode('4w==')` give `[0xe3]`; `base64Decode('4x')` is undefined.
 */
export function base64Decode(s: string, urlOnly = false): Uint8Array | undefined {
  if (typeof s !== 'string') return undefined;
  let n = s.length;
  if (!urlOnly && n % 4 === 0 && n > 0 && s.charCodeAt(n - 1) === 61 /* = */) {
    n--;
    if (s.charCodeAt(n - 1) === 61) n--;
  }
  if (n % 4 === 1) return undefined;
  let sawUrl = false;
  let sawStd = false;
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0) return undefined;
    if (c === 45 || c === 95) sawUrl = true;
    else if (c === 43 || c === 47) sawStd = true;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((sawUrl && sawStd) || (urlOnly && sawStd)) return undefined;
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
