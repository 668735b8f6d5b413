import { describe, expect, it } from "vitest";
import { dbErrorWith } from "@/db/rows";

describe("dbErrorWith", () => {
  it("finds the driver's error by SQLSTATE through drizzle's wrapping, and nothing else", () => {
    const driver = Object.assign(new Error('insert violates foreign key constraint "items_fk"'), {
      code: "23503",
    });
    const wrapped = new Error("Failed query: INSERT …", { cause: driver });
    expect(dbErrorWith(wrapped, "23503")).toEqual({ code: "23503", message: driver.message });
    expect(dbErrorWith(wrapped, "40P01", "23503")?.code).toBe("23503");
    expect(dbErrorWith(wrapped, "40P01")).toBeUndefined();
    expect(dbErrorWith(new Error("plain"), "23503")).toBeUndefined();
    expect(dbErrorWith("not an error", "23503")).toBeUndefined();
    expect(dbErrorWith(undefined, "23503")).toBeUndefined();
  });
});
