import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { describe, expect, it } from "vitest";
import { PositionedParser, type PositionedRecord } from "./positioned-parser";

const OPTIONS = { relax_column_count: true, relax_quotes: true, skip_empty_lines: true } as const;

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

describe("PositionedParser", () => {
  it("gives each record the lines, empty lines and bytes csv-parse's info gives it", async () => {
    const text = 'id,name\r\n1,"Ac\r\nme"\r\n\r\n\r\n2,Béta\r\n"3","x, y"\r\n\r\n4,"quote ""q"""\r\n5,last';
    // In pieces that cut records, quotes and a two-byte character apart.
    const pieces = () =>
      Readable.from([text.slice(0, 13), text.slice(13, 27), text.slice(27, 40), text.slice(40)]);
    const expected = await collect(
      pieces().pipe(parse({ ...OPTIONS, info: true })) as AsyncIterable<{
        record: string[];
        info: { lines: number; empty_lines: number; bytes: number };
      }>,
    );
    const got = await collect(
      pieces().pipe(new PositionedParser(OPTIONS)) as AsyncIterable<PositionedRecord>,
    );
    expect(got).toEqual(
      expected.map(({ record, info }) => ({
        record,
        lines: info.lines,
        emptyLines: info.empty_lines,
        bytes: info.bytes,
      })),
    );
    expect(got.map((r) => r.record[0])).toEqual(["id", "1", "2", "3", "4", "5"]);
    expect(got.at(-1)?.bytes).toBe(Buffer.byteLength(text));
  });

  it("counts the records it emitted, not those skipped for an error", async () => {
    const parser = new PositionedParser({
      ...OPTIONS,
      skip_records_with_error: true,
      on_skip: () => undefined,
    });
    const got = await collect(
      Readable.from(['a,b\n1,2\n"unclosed,3\n']).pipe(parser) as AsyncIterable<PositionedRecord>,
    );
    expect(got.map((r) => r.record)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parser.emitted).toBe(2);
  });
});
