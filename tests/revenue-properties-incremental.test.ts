import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { rebuildRevenue, updateRevenueForCustomers } from "@/lib/metrics/derive";
import { endSubscriptionItem, saveSubscriptionItem, upsertCustomer } from "@/lib/revenue/items";
import { createTestDb } from "./helpers/db";
import {
  asOfFor,
  chance,
  effectivePeriods,
  type GenHistory,
  type GenItem,
  genHistory,
  genItem,
  isoDay,
  itemInput,
  oracleMonthly,
  oracleMovements,
  pick,
  type Rand,
  readDerived,
  saveHistory,
  smallShape,
  toDay,
} from "./helpers/revenue-gen";

/*
 * updateRevenueForCustomers after random edits leaves exactly what a full rebuild leaves (derive.ts's
 * promise to every writer), and both equal the TypeScript oracle of MRR-2/MRR-3 and MOV-1 on the edited
 * history. FC_SEED and FC_NUM_RUNS replay or widen a run.
 */

const numRuns = Number(process.env.FC_NUM_RUNS ?? 30);
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

type Edit =
  | { kind: "amount"; item: string; unitAmount: number; quantity: number }
  | { kind: "end"; item: string; endDate: string }
  | { kind: "add"; item: GenItem; newCustomer: boolean }
  | { kind: "pause"; item: string; startDate: string; endDate: string | null };
/** `flush`: call updateRevenueForCustomers now for everything touched since the last call. */
type Step = Edit & { flush: boolean };

function genEdits(r: Rand, history: GenHistory): Step[] {
  const steps: Step[] = [];
  let customers = history.shape.customers;
  const count = r.int(1, 6);
  for (let n = 0; n < count; n++) {
    const target = pick(r, history.items);
    const kind = pick(r, ["amount", "end", "add", "pause"] as const);
    const flush = n === count - 1 || !chance(r, 0.3);
    const after = (maxDays: number) => isoDay(toDay(target.startDate) + r.int(0, maxDays));
    if (kind === "amount") {
      const unitAmount = chance(r, 0.15) ? 0 : r.int(1, 100_000);
      steps.push({ kind, item: target.externalId, unitAmount, quantity: r.int(0, 5), flush });
    } else if (kind === "end") {
      steps.push({ kind, item: target.externalId, endDate: after(600), flush });
    } else if (kind === "pause") {
      const startDate = after(500);
      const endDate = chance(r, 0.3) ? null : isoDay(toDay(startDate) + r.int(1, 90));
      steps.push({ kind, item: target.externalId, startDate, endDate, flush });
    } else {
      const newCustomer = chance(r, 0.3);
      const customer = newCustomer ? customers++ : r.int(0, customers - 1);
      steps.push({ kind, item: genItem(r, history.shape, customer, `e${n}`), newCustomer, flush });
    }
  }
  return steps;
}

const scenarioArb = fc.gen().map((g) => {
  const r: Rand = { int: (min, max) => g(fc.integer, { min, max }) };
  const history = genHistory(r, smallShape(r));
  return { history, steps: genEdits(r, history) };
});

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

const sortedObject = (m: Map<string, number>) =>
  Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));
const snapshot = async (orgId: string) => {
  const d = await readDerived(h.db, orgId);
  return { ...d, byPlan: sortedObject(d.byPlan), byCustomer: sortedObject(d.byCustomer) };
};

describe("incremental update equals a full rebuild", () => {
  it("after random edits (amount, quantity, end, new item, pause), customer by customer", async () => {
    const modes = { incremental: 0, rebuild: 0, none: 0 };
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history, steps }) => {
        const asOf = asOfFor(history.shape);
        const { orgId, customerIds, itemIds } = await saveHistory(h.db, history);
        await rebuildRevenue(h.db, orgId, { asOf });
        // The model of what the database now holds; periods as saveSubscriptionItem stored them.
        const items = new Map(
          history.items.map((i) => [i.externalId, { ...i, periods: effectivePeriods(i) }]),
        );
        let touched: string[] = [];
        for (const step of steps) {
          const item =
            step.kind === "add"
              ? { ...step.item, periods: effectivePeriods(step.item) }
              : items.get(step.item);
          if (!item) throw new Error(`no item ${step.kind === "add" ? step.item.externalId : step.item}`);
          if (step.kind === "add" && step.newCustomer) {
            const c = await upsertCustomer(h.db, orgId, { externalId: `c${item.customer}`, name: "Added" });
            customerIds[item.customer] = c.id;
          }
          const customerId = customerIds[item.customer] as string;
          if (step.kind === "end") {
            await endSubscriptionItem(h.db, {
              orgId,
              itemId: itemIds.get(item.externalId) as string,
              endDate: step.endDate,
            });
            Object.assign(item, { endDate: step.endDate, status: "canceled" });
          } else {
            if (step.kind === "amount")
              Object.assign(item, { unitAmount: step.unitAmount, quantity: step.quantity });
            if (step.kind === "pause") {
              item.periods = [
                ...item.periods,
                { kind: "paused", startDate: step.startDate, endDate: step.endDate },
              ];
            }
            const saved = await saveSubscriptionItem(h.db, orgId, itemInput(item, customerId));
            itemIds.set(item.externalId, saved.id);
            items.set(item.externalId, item);
          }
          touched.push(customerId);
          if (step.flush) {
            modes[(await updateRevenueForCustomers(h.db, orgId, touched, { asOf })).mode]++;
            touched = [];
          }
        }
        const incremental = await snapshot(orgId);
        await rebuildRevenue(h.db, orgId, { asOf });
        expect(incremental).toEqual(await snapshot(orgId));

        const edited: GenHistory = {
          ...history,
          shape: { ...history.shape, customers: customerIds.length },
          items: [...items.values()],
        };
        const oracle = oracleMonthly(edited, asOf);
        expect(incremental.byCustomer).toEqual(sortedObject(oracle.byCustomer));
        expect(incremental.movements).toEqual(oracleMovements(oracle.byCustomer, oracle.through));
      }),
      { numRuns, seed },
    );
    // Both paths of updateRevenueForCustomers were exercised, or this test proved less than it says.
    expect(modes.incremental).toBeGreaterThan(0);
    expect(modes.rebuild).toBeGreaterThan(0);
  }, 180_000);

  // Found by the property above: a write that removes the item that set the org's through month (the
  // latest start, in the future) must move the month range back, as a rebuild does.
  it("repricing the latest-starting item to $0 moves the through month back, as a rebuild does", async () => {
    const asOf = new Date("2024-12-15T12:00:00Z");
    const { orgId, customerIds } = await saveHistory(h.db, {
      shape: { customers: 2, items: 0, plans: 0, firstMonth: "2024-01", months: 12, futureMonths: 0 },
      items: [],
      pastDueChurnAfterDays: null,
    });
    const [a, b] = customerIds as [string, string];
    const item = {
      source: "manual" as const,
      quantity: 1,
      unitAmount: 1_000,
      currency: "USD",
      intervalUnit: "month" as const,
    };
    await saveSubscriptionItem(h.db, orgId, {
      ...item,
      externalId: "a",
      customerId: a,
      startDate: "2024-01-01",
    });
    await saveSubscriptionItem(h.db, orgId, {
      ...item,
      externalId: "b",
      customerId: b,
      startDate: "2025-02-01",
    });
    expect((await rebuildRevenue(h.db, orgId, { asOf })).through).toBe("2025-02-01");
    await saveSubscriptionItem(h.db, orgId, {
      ...item,
      externalId: "b",
      customerId: b,
      startDate: "2025-02-01",
      quantity: 0,
    });
    // The through month was set by future-dated data, so the update rebuilds rather than patch one customer.
    expect((await updateRevenueForCustomers(h.db, orgId, [b], { asOf })).mode).toBe("rebuild");
    const incremental = await snapshot(orgId);
    expect((await rebuildRevenue(h.db, orgId, { asOf })).through).toBe("2024-12-01");
    expect(incremental).toEqual(await snapshot(orgId));
  });
});

describe("a rebuild by partition swap equals a rebuild in place", () => {
  // Large orgs rebuild by building new partitions and swapping them in (lib/metrics/partitions.ts), on
  // the helper connections of a Postgres server at once; small ones in place. Forced here on small orgs.
  it("in place, swapped on this connection, swapped on helper connections; then an update after a swap", async () => {
    let parallel = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ history }) => {
        const asOf = asOfFor(history.shape);
        const { orgId, customerIds } = await saveHistory(h.db, history);
        await rebuildRevenue(h.db, orgId, { asOf, swap: false });
        const inPlace = await snapshot(orgId);
        await rebuildRevenue(h.db, orgId, { asOf, swap: true, parallel: false });
        expect(await snapshot(orgId)).toEqual(inPlace);
        await rebuildRevenue(h.db, orgId, { asOf, swap: true });
        expect(await snapshot(orgId)).toEqual(inPlace);
        if (h.kind === "postgres") parallel++;
        // Writes after a swap go through the parent tables into the new partitions.
        const [first] = history.items;
        if (!first) return;
        const customerId = customerIds[first.customer] as string;
        await saveSubscriptionItem(h.db, orgId, {
          ...itemInput(first, customerId),
          unitAmount: first.unitAmount + 1,
        });
        await updateRevenueForCustomers(h.db, orgId, [customerId], { asOf });
        const updated = await snapshot(orgId);
        await rebuildRevenue(h.db, orgId, { asOf, swap: false });
        expect(updated).toEqual(await snapshot(orgId));
      }),
      { numRuns: Math.max(5, Math.floor(numRuns / 3)), seed },
    );
    if (h.kind === "postgres") expect(parallel).toBeGreaterThan(0);
  }, 180_000);
});
