import { describe, expect, it } from "vitest";
import { eventSchema, MAX_PROPERTIES_BYTES, parseEvents } from "./event";

const NOW = Date.parse("2024-06-01T12:00:00Z");
const schema = eventSchema(() => NOW);
const ok = { user_id: "u1", name: "login", timestamp: "2024-05-31T10:00:00Z" };
const errorsOf = (events: unknown[]) => parseEvents(events, schema).errors;

describe("event validation", () => {
  it("accepts the documented shape, offsets and Z, and optional fields", () => {
    const events = [
      ok,
      { ...ok, id: "evt-1", timestamp: "2024-05-31T10:00:00.123456+05:30", customer_id: "cus_1" },
      { ...ok, properties: { plan: "pro", nested: { n: 1 } }, customer_id: null },
      { ...ok, properties: null },
    ];
    expect(parseEvents(events, schema)).toEqual({ events });
  });

  it("names the index and field of every problem", () => {
    expect(
      errorsOf([
        ok,
        { name: "x", timestamp: "2024-05-31" },
        { ...ok, user_id: 7, name: "" },
        "not an event",
        { ...ok, event: "typo", extra: 1 },
      ]),
    ).toEqual([
      { index: 1, field: "user_id", message: "user_id is required." },
      {
        index: 1,
        field: "timestamp",
        message:
          "timestamp must be an ISO 8601 date and time with a UTC offset or Z, e.g. 2024-05-01T14:30:00Z.",
      },
      { index: 2, field: "user_id", message: "user_id must be a string." },
      { index: 2, field: "name", message: "name must not be empty." },
      { index: 3, field: "", message: "An event must be a JSON object." },
      { index: 4, field: "event", message: "unknown field; put custom data under `properties`." },
      { index: 4, field: "extra", message: "unknown field; put custom data under `properties`." },
    ]);
  });

  it("refuses timestamps without an offset, impossible dates, the far past and more than a day ahead", () => {
    const at = (timestamp: string) => errorsOf([{ ...ok, timestamp }])?.map((e) => e.message);
    expect(at("2024-05-31T10:00:00")).toHaveLength(1);
    expect(at("2024-02-30T10:00:00Z")).toHaveLength(1);
    expect(at("1999-12-31T23:59:59Z")).toEqual(["timestamp is before 2000-01-01."]);
    expect(at("2000-01-01T00:00:00Z")).toBeUndefined();
    expect(at("2024-06-02T12:00:00Z")).toBeUndefined(); // exactly 1 day ahead
    expect(at("2024-06-02T12:00:01Z")).toEqual(["timestamp is more than 1 day in the future."]);
    expect(at("2024-06-02T13:00:01+01:00")).toEqual(["timestamp is more than 1 day in the future."]);
  });

  it("limits name and id lengths and properties to 8 KB of JSON", () => {
    expect(errorsOf([{ ...ok, name: "n".repeat(200) }])).toBeUndefined();
    expect(errorsOf([{ ...ok, name: "n".repeat(201) }])).toEqual([
      { index: 0, field: "name", message: "name must be at most 200 characters." },
    ]);
    expect(errorsOf([{ ...ok, id: "i".repeat(201) }])?.[0]?.field).toBe("id");
    // {"a":"…"} is 8 bytes of framing around the string.
    const fits = { a: "x".repeat(MAX_PROPERTIES_BYTES - 8) };
    expect(errorsOf([{ ...ok, properties: fits }])).toBeUndefined();
    expect(errorsOf([{ ...ok, properties: { a: `${fits.a}x` } }])).toEqual([
      { index: 0, field: "properties", message: "properties must be at most 8 KB as JSON." },
    ]);
    // Multi-byte characters count as bytes.
    expect(errorsOf([{ ...ok, properties: { a: "é".repeat(4_100) } }])?.[0]?.field).toBe("properties");
    expect(errorsOf([{ ...ok, properties: ["a"] }])?.[0]).toEqual({
      index: 0,
      field: "properties",
      message: "properties must be a JSON object.",
    });
  });
});
