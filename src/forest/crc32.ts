/** CRC-32 (IEEE 802.3, as zlib and PNG), for the checksums of every saved state. @module */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Table k (k = 0..7) advances the CRC over a byte followed by k zero bytes. */
const CRC_TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

/**
 * CRC-32 of `bytes[start .. end)`, eight bytes a step (slicing by 8: about 4x a byte-at-a-time loop
 * on large inputs, the same values).
 * @example
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const T = CRC_TABLES;
  let c = 0xffffffff;
  let i = start;
  // Byte by byte up to a 4-byte boundary of the buffer, then two 32-bit words a step (little-endian
  // platforms; elsewhere bytes all the way).
  if (LITTLE_ENDIAN && end - i >= 64) {
    while ((bytes.byteOffset + i) & 3) c = T[(c ^ bytes[i++]!) & 0xff]! ^ (c >>> 8);
    const words = new Int32Array(bytes.buffer, bytes.byteOffset + i, (end - i) >> 2);
    const n = words.length & ~1;
    for (let w = 0; w < n; w += 2) {
      const a = c ^ words[w]!;
      const b = words[w + 1]!;
      c =
        T[1792 + (a & 0xff)]! ^
        T[1536 + ((a >>> 8) & 0xff)]! ^
        T[1280 + ((a >>> 16) & 0xff)]! ^
        T[1024 + (a >>> 24)]! ^
        T[768 + (b & 0xff)]! ^
        T[512 + ((b >>> 8) & 0xff)]! ^
        T[256 + ((b >>> 16) & 0xff)]! ^
        T[b >>> 24]!;
    }
    i += 4 * n;
  }
  for (; i < end; i++) c = T[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

