import { Transform } from "node:stream";

/*
 * Which text encoding an uploaded file is in, judged from its first bytes, and decoders that turn its
 * bytes into text without the byte-order mark. Spreadsheets write UTF-8 (often with a BOM: Excel's
 * "CSV UTF-8"), UTF-16 with a BOM ("Unicode text"), or the Windows code page (Excel's plain "CSV" on a
 * Western Windows). Anything that is not valid UTF-8 is read as Windows-1252, a superset of the printable
 * Latin-1 range, so `é` (0xE9) and `€` (0x80) both come out right.
 */

export type TEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

export type TEncodingDetection = {
  encoding: TEncoding;
  /** The sample starts with a byte-order mark (removed by the decoders). */
  bom: boolean;
  /** NUL bytes in a file with no UTF-16 BOM: an image, a spreadsheet workbook, a zip — not CSV text. */
  binary: boolean;
};

/** How many bytes of a file `detectEncoding` needs to see to decide. */
export const ENCODING_SAMPLE_BYTES = 64 * 1024;

/**
 * The encoding of a file from its first bytes (pass up to `ENCODING_SAMPLE_BYTES`). A multi-byte UTF-8
 * character cut at the end of the sample does not count against UTF-8.
 */
export function detectEncoding(sample: Uint8Array): TEncodingDetection {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return { encoding: "utf-8", bom: true, binary: false };
  }
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: "utf-16le", bom: true, binary: false };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: "utf-16be", bom: true, binary: false };
  const binary = sample.includes(0);
  return { encoding: isUtf8(sample) ? "utf-8" : "windows-1252", bom: false, binary };
}

function isUtf8(sample: Uint8Array): boolean {
  try {
    // `stream: true` keeps a sequence cut at the end of the sample pending instead of failing on it.
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Windows-1252's 0x80–0x9F, where it differs from Latin-1 (0x80 is €). The five unassigned bytes keep their C1 code. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
].map((code) => String.fromCharCode(code));
const C1 = /[\u0080-\u009f]/g;

/**
 * Windows-1252 by hand: Node's TextDecoder decodes "windows-1252" as Latin-1 outside streaming mode
 * (0x80 comes out as U+0080, not €), so its result is not to be trusted either way.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString("latin1")
    .replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c);
}

/** A whole byte buffer as text in `encoding`, BOM removed. Malformed UTF-8 becomes U+FFFD. */
export function decodeBytes(bytes: Uint8Array, encoding: TEncoding): string {
  if (encoding === "windows-1252") return decodeWindows1252(bytes);
  return new TextDecoder(encoding).decode(bytes);
}

/**
 * Bytes decoded per piece. Node makes the string it decodes from a whole megabyte (TextDecoder's UTF-8,
 * Buffer's latin1) an external string, which only a full collection frees: with 1 MB pieces a 1 M-row
 * import held 40–100 MB of them, and peaked at 266–268 MB RSS in one pass and 397 MB in the import job's
 * steps (a resumed step decodes the part it skips in a burst); with these pieces, ordinary heap strings
 * that die young, 241 and 269 MB (bench:import, README "Import speed and memory").
 */
export const DECODE_PIECE_BYTES = 64 * 1024;

function* pieces(chunk: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < chunk.byteLength; at += DECODE_PIECE_BYTES)
    yield chunk.subarray(at, at + DECODE_PIECE_BYTES);
}

/**
 * A Node stream that decodes bytes in `encoding` into string chunks (object mode on the readable side,
 * which csv-parse accepts), each decoded from at most DECODE_PIECE_BYTES bytes, BOM removed, characters
 * split across chunks reassembled.
 */
export function createDecodeStream(encoding: TEncoding): Transform {
  if (encoding === "windows-1252") {
    // One byte is one character: no state to carry between chunks.
    return new Transform({
      readableObjectMode: true,
      transform(chunk: Uint8Array, _encoding, callback) {
        for (const piece of pieces(chunk)) this.push(decodeWindows1252(piece));
        callback();
      },
    });
  }
  const decoder = new TextDecoder(encoding);
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Uint8Array, _encoding, callback) {
      for (const piece of pieces(chunk)) {
        const text = decoder.decode(piece, { stream: true });
        if (text) this.push(text);
      }
      callback();
    },
    flush(callback) {
      const text = decoder.decode();
      if (text) this.push(text);
      callback();
    },
  });
}
