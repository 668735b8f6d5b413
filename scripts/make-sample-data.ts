/*
 * Regenerates data/sample/subscriptions.csv from the ravenstack dataset in ../shared/datasets (see
 * data/sample/README.md): `npx tsx scripts/make-sample-data.ts [datasets dir]`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2] ?? join(import.meta.dirname, "../../shared/datasets/saas_ravenstack");

/** The dataset's CSVs have no quoted fields. */
function read(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, file), "utf8").trim().split(/\r?\n/);
  const keys = (header ?? "").split(",");
  return lines.map((line) => {
    const values = line.split(",");
    return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? ""]));
  });
}

const accounts = new Map(read("ravenstack_accounts.csv").map((a) => [a.account_id, a]));
const out = [
  "Subscription ID,Account ID,Company,Industry,Country,Plan,Seats,MRR,Currency,Billing Frequency,Start Date,End Date,Status",
];
for (const s of read("ravenstack_subscriptions.csv")) {
  const a = accounts.get(s.account_id ?? "");
  if (!a) throw new Error(`no account ${s.account_id}`);
  const status = s.is_trial === "TRUE" ? "trialing" : s.end_date ? "canceled" : "active";
  out.push(
    [
      s.subscription_id,
      s.account_id,
      (a.account_name ?? "").replaceAll("_", " "),
      a.industry,
      a.country,
      s.plan_tier,
      s.seats,
      s.mrr_amount,
      "USD",
      s.billing_frequency,
      s.start_date,
      s.end_date,
      status,
    ].join(","),
  );
}
writeFileSync(join(import.meta.dirname, "../data/sample/subscriptions.csv"), `${out.join("\n")}\n`);
console.log(`wrote ${out.length - 1} subscriptions`);
