import { describe, expect, it } from "vitest";
import { itemMrrNow } from "./describe";

describe("an item's MRR in its current status (MRR-1)", () => {
  it("is 0 while trialing or paused, with what it adds when paying", () => {
    expect(itemMrrNow({ status: "trialing", mrr: 10_000 })).toEqual({ now: 0, paying: 10_000 });
    expect(itemMrrNow({ status: "paused", mrr: 4_900 })).toEqual({ now: 0, paying: 4_900 });
  });

  it("is the item's MRR otherwise, past due included, and a free trial has nothing more to say", () => {
    expect(itemMrrNow({ status: "active", mrr: 4_900 })).toEqual({ now: 4_900, paying: null });
    expect(itemMrrNow({ status: "past_due", mrr: 4_900 })).toEqual({ now: 4_900, paying: null });
    expect(itemMrrNow({ status: "trialing", mrr: 0 })).toEqual({ now: 0, paying: null });
  });
});
