import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createDecodeStream, DECODE_PIECE_BYTES, decodeBytes, detectEncoding } from "./encoding";

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("detectEncoding", () => {
  it("UTF-8 with a BOM", () => {
    const b = bytes([0xef, 0xbb, 0xbf], "name\nRené\n");
    expect(detectEncoding(b)).toEqual({ encoding: "utf-8", bom: true, binary: false });
    expect(decodeBytes(b, "utf-8")).toBe("name\nRené\n");
  });

  it("UTF-8 without a BOM, also when the sample cuts a character in two", () => {
    const b = bytes("name\nRené €\n");
    expect(detectEncoding(b)).toEqual({ encoding: "utf-8", bom: false, binary: false });
    expect(detectEncoding(b.subarray(0, b.length - 3)).encoding).toBe("utf-8"); // € is 3 bytes: cut after 1
  });

  it("Windows-1252: é is 0xE9 and € is 0x80", () => {
    const b = bytes("name,amount\nRen", [0xe9], ",", [0x80], "12,", [0x96, 0x81], "\n");
    expect(detectEncoding(b)).toEqual({ encoding: "windows-1252", bom: false, binary: false });
    expect(decodeBytes(b, "windows-1252")).toBe("name,amount\nRené,€12,\u2013\u0081\n");
  });

  it("UTF-16 with a BOM", () => {
    const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a\tb\n", "utf16le")]);
    expect(detectEncoding(b)).toEqual({ encoding: "utf-16le", bom: true, binary: false });
    expect(decodeBytes(b, "utf-16le")).toBe("a\tb\n");
  });

  it("binary data", () => {
    expect(detectEncoding(bytes([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x14])).binary).toBe(true);
  });
});

describe("createDecodeStream", () => {
  it("strips the BOM and joins characters split across chunks", async () => {
    const whole = bytes([0xef, 0xbb, 0xbf], "a,b\nRené,€\n");
    // Cut inside the BOM, inside é (2 bytes) and inside € (3 bytes).
    const chunks = [whole.subarray(0, 2), whole.subarray(2, 13), whole.subarray(13, 17), whole.subarray(17)];
    let text = "";
    for await (const chunk of Readable.from(chunks).pipe(createDecodeStream("utf-8"))) text += chunk;
    expect(text).toBe("a,b\nRené,€\n");
  });

  it("decodes Windows-1252", async () => {
    let text = "";
    const input = Readable.from([bytes("x\n", [0x80, 0xe9]), bytes([0x9c, 0x93, 0x94])]);
    for await (const chunk of input.pipe(createDecodeStream("windows-1252"))) text += chunk;
    expect(text).toBe("x\n€éœ\u201c\u201d");
  });

  it("hands a stored 1 MB chunk on in pieces of at most 64 KB, characters cut at piece edges joined", async () => {
    // 3-byte € and 4-byte 😀 land across piece edges; one UTF-8 chunk of 1.5 MB and one Windows-1252.
    const line = "id,name,amount\r\n7,Renée 😀,€12\r\n";
    const utf8 = Buffer.from(line.repeat(Math.ceil((1.5 * 2 ** 20) / Buffer.byteLength(line))), "utf8");
    const cp1252 = Buffer.alloc(2 ** 20 + 5, 0x80);
    for (const [encoding, input, expected] of [
      ["utf-8", utf8, utf8.toString("utf8")],
      ["windows-1252", cp1252, "€".repeat(cp1252.length)],
    ] as const) {
      const out: string[] = [];
      for await (const piece of Readable.from([input]).pipe(createDecodeStream(encoding))) out.push(piece);
      expect(out.join("")).toBe(expected);
      expect(out.length).toBeGreaterThan(16);
      // Each piece comes from at most DECODE_PIECE_BYTES bytes (plus the ≤ 3 bytes of a character cut
      // at the previous edge).
      for (const piece of out)
        expect(Buffer.byteLength(piece, encoding === "utf-8" ? "utf8" : "latin1")).toBeLessThanOrEqual(
          DECODE_PIECE_BYTES + 3,
        );
    }
  });
});
