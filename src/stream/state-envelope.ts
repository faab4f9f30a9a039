/**
 * The envelope of the scoring operators' saved states: 4 magic bytes, a version byte, a
 * little-endian u32 header length, the header (UTF-8 JSON), the model's own bytes (a forest's or a
 * detector's `toBytes()`), and a little-endian CRC-32 of every byte before it. Each operator checks
 * its own magic, versions and header fields; this module only frames and checksums.
 * @module
 * @internal
 */
import { crc32 } from '../forest/crc32.js';

const PREFIX_BYTES = 9; // magic, version, u32 header length
const CHECKSUM_BYTES = 4;

/** The checks an envelope can fail; each operator turns them into its own state error. */
export type EnvelopeCheck = 'length' | 'version' | 'checksum' | 'format';

/**
 * Frames `header` and `body` after `magic` and `version`, with a CRC-32 over everything.
 * @example
 * const bytes = writeStateEnvelope([0x52, 0x43, 0x46, 0x4f], 2, { columns, rowsSeen }, forest.toBytes());
 */
export function writeStateEnvelope(magic: readonly number[], version: number, header: unknown, body: Uint8Array): Uint8Array {
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const length = PREFIX_BYTES + headerBytes.length + body.length;
  const out = new Uint8Array(length + CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  out.set(magic, 0);
  out[4] = version;
  view.setUint32(5, headerBytes.length, true);
  out.set(headerBytes, PREFIX_BYTES);
  out.set(body, PREFIX_BYTES + headerBytes.length);
  view.setUint32(length, crc32(out, 0, length), true);
  return out;
}

/** How {@link readStateEnvelope} reads: which versions exist, and from which one a checksum ends the bytes. */
export interface EnvelopeFormat {
  readonly versions: readonly number[];
  readonly checksummedFrom: number;
}

/**
 * Unframes an envelope whose magic the caller has recognised: checks the prefix's length, the version,
 * the checksum (for versions from `checksummedFrom` on) and the header's length, then parses the
 * header.
 * @param fail Makes the caller's error for a failed check (thrown here).
 * @example
 * const { version, header, body } = readStateEnvelope(bytes, { versions: [1, 2], checksummedFrom: 2 },
 *   (check, why) => new StateError(check, why));
 */
export function readStateEnvelope(
  bytes: Uint8Array,
  format: EnvelopeFormat,
  fail: (check: EnvelopeCheck, why: string) => Error,
): { version: number; header: unknown; body: Uint8Array } {
  if (bytes.length < PREFIX_BYTES) throw fail('length', `${bytes.length} bytes, shorter than an operator state's prefix`);
  const version = bytes[4] as number;
  if (!format.versions.includes(version)) {
    throw fail('version', `unknown operator state version ${version} (this library reads ${format.versions.join(' and ')})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length;
  if (version >= format.checksummedFrom) {
    if (bytes.length < PREFIX_BYTES + CHECKSUM_BYTES) throw fail('length', `${bytes.length} bytes, too short for a checksum`);
    end -= CHECKSUM_BYTES;
    const stored = view.getUint32(end, true);
    const actual = crc32(bytes, 0, end);
    if (stored !== actual) {
      throw fail('checksum', `the CRC-32 does not match (stored ${stored}, computed ${actual}): the state was changed or damaged`);
    }
  }
  const headerLength = view.getUint32(5, true);
  if (PREFIX_BYTES + headerLength > end) throw fail('length', `the header length ${headerLength} runs past the end`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch {
    throw fail('format', 'the header is not UTF-8 JSON');
  }
  return { version, header, body: bytes.slice(PREFIX_BYTES + headerLength, end) };
}
