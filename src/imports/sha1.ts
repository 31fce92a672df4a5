/**
 * SHA-1 of a short string, in JavaScript, into a caller's buffer: the line digests of a nightly file
 * (knownLines.ts) hash every line of it, and one `crypto.hash` call cost ~2–3 µs a line — the call
 * and its Buffer, not the ~100 bytes. The same function as node:crypto's (a test holds them equal on
 * any text), so the digests stored with the records stay valid and keep SHA-1's resistance to a
 * crafted collision: a non-cryptographic hash was rejected for this digest (docs/imports.md).
 */

const W = new Int32Array(80);
/** The text's UTF-8 bytes, padded; grown for a longer text. */
let block = new Uint8Array(1024);
const encoder = new TextEncoder();

/** Writes `a` then `b` as UTF-8 into the scratch block; returns the byte length. */
function encode(a: string, b: string): number {
  const n = a.length + b.length;
  // Room for the ASCII case and the padding; a non-ASCII text is re-encoded below with room for it.
  if (block.length < n + 72) block = new Uint8Array(Math.max(block.length * 2, n + 72));
  let p = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c > 127) return encodeSlow(a, b);
    block[p++] = c;
  }
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c > 127) return encodeSlow(a, b);
    block[p++] = c;
  }
  return p;
}

function encodeSlow(a: string, b: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units); lone surrogates
  // become U+FFFD, as Buffer.from(text, 'utf8') — what crypto.hash hashes — does too.
  const max = (a.length + b.length) * 3 + 72;
  if (block.length < max) block = new Uint8Array(max);
  const first = encoder.encodeInto(a, block).written;
  return first + encoder.encodeInto(b, block.subarray(first)).written;
}

/**
 * The first 16 bytes of SHA-1(UTF-8 of `a` + `b`) into `out` (at least 16 bytes), i.e. what
 * `crypto.hash('sha1', a + b, 'buffer').subarray(0, 16)` gives.
 */
export function sha1Into(a: string, b: string, out: Uint8Array): Uint8Array {
  const len = encode(a, b);
  // Padding: 0x80, zeros, the bit length as a 64-bit big-endian integer.
  const total = ((len + 8) >>> 6) * 64 + 64;
  const m = block;
  m[len] = 0x80;
  m.fill(0, len + 1, total - 4);
  const bits = len * 8;
  m[total - 4] = bits >>> 24;
  m[total - 3] = bits >>> 16;
  m[total - 2] = bits >>> 8;
  m[total - 1] = bits;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  for (let o = 0; o < total; o += 64) {
    for (let t = 0; t < 16; t++) {
      const q = o + t * 4;
      W[t] = (m[q] << 24) | (m[q + 1] << 16) | (m[q + 2] << 8) | m[q + 3];
    }
    for (let t = 16; t < 80; t++) {
      const x = W[t - 3] ^ W[t - 8] ^ W[t - 14] ^ W[t - 16];
      W[t] = (x << 1) | (x >>> 31);
    }
    let a0 = h0;
    let b0 = h1;
    let c0 = h2;
    let d0 = h3;
    let e0 = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b0 & c0) | (~b0 & d0);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b0 ^ c0 ^ d0;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b0 & c0) | (b0 & d0) | (c0 & d0);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b0 ^ c0 ^ d0;
        k = 0xca62c1d6 | 0;
      }
      const tmp = (((a0 << 5) | (a0 >>> 27)) + f + e0 + k + W[t]) | 0;
      e0 = d0;
      d0 = c0;
      c0 = (b0 << 30) | (b0 >>> 2);
      b0 = a0;
      a0 = tmp;
    }
    h0 = (h0 + a0) | 0;
    h1 = (h1 + b0) | 0;
    h2 = (h2 + c0) | 0;
    h3 = (h3 + d0) | 0;
    h4 = (h4 + e0) | 0;
  }
  put(out, 0, h0);
  put(out, 4, h1);
  put(out, 8, h2);
  put(out, 12, h3);
  return out;
}

function put(out: Uint8Array, o: number, h: number): void {
  out[o] = h >>> 24;
  out[o + 1] = h >>> 16;
  out[o + 2] = h >>> 8;
  out[o + 3] = h;
}
