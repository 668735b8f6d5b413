"use client";
import { useEffect, useState } from "react";
import { formatMoney } from "@/lib/money";
import type { TLeftOutJson } from "@/lib/uploads/left-out";

/** The JSON of POST /api/v1/uploads/:id/left-out. */
type LeftOut = TLeftOutJson;

const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** "Acme (S-1, Pro, $50.00/mo)": one of the largest subscriptions that would end. */
function example(e: LeftOut["examples"][number], currency: string): string {
  const what = [e.subscription_id, e.plan, `${formatMoney(e.mrr, currency)} MRR`].filter(Boolean).join(", ");
  return `${e.customer || e.subscription_id} (${what})`;
}

function summary(r: LeftOut): string {
  const rows = `The whole file (${count(r.rows_read, "row")})`;
  const live = `${count(r.live, "subscription")} live on ${r.day} that earlier uploads imported`;
  if (r.missing === 0) return `${rows} lists ${r.live === 1 ? "the" : "all"} ${live}: nothing ends.`;
  const head = `${rows} leaves out ${r.missing.toLocaleString("en-US")} of the ${live}`;
  const mrr = formatMoney(r.missing_mrr, r.currency);
  const list = r.examples.map((e) => example(e, r.currency)).join("; ");
  if (r.missing === 1)
    return `${head}: ${list}. It ends on ${r.day}; deleting the upload afterwards puts it back.`;
  const more = r.missing - r.examples.length;
  return `${head}, ${mrr} of MRR. ${more > 0 ? "The largest" : "They are"}: ${list}${
    more > 0 ? `; and ${more.toLocaleString("en-US")} more` : ""
  }. They end on ${r.day}; deleting the upload afterwards puts them back.`;
}

/**
 * With "This file lists every live subscription" ticked: asks the server to read the whole file as the
 * import would (`body`, the import's own) and says what would end on the day, how much MRR, and whose.
 * Asked again whenever the body changes (the day, the mapping, the formats).
 */
export function LeftOutCheck({ url, body }: { url: string; body: string }) {
  const [state, setState] = useState<{ body: string; result: LeftOut | null; error: string | null } | null>(
    null,
  );
  useEffect(() => {
    const abort = new AbortController();
    // A moment's pause, so typing a date asks once.
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: abort.signal,
        });
        const json = await response.json().catch(() => null);
        if (response.ok) setState({ body, result: json as LeftOut, error: null });
        else
          setState({
            body,
            result: null,
            error: json?.error ?? `The check failed (HTTP ${response.status}).`,
          });
      } catch (error) {
        if (!abort.signal.aborted) setState({ body, result: null, error: String(error) });
      }
    }, 300);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [url, body]);

  if (!state || state.body !== body) {
    return (
      <span className="block text-slate-500" data-testid="left-out" aria-busy="true">
        Reading the whole file to see what it would end…
      </span>
    );
  }
  if (state.error) {
    return (
      <span role="alert" className="block text-red-700" data-testid="left-out">
        {state.error}
      </span>
    );
  }
  const r = state.result as LeftOut;
  return (
    <span
      className={`mt-1 block rounded-md p-2 ${r.missing > 0 ? "bg-amber-50 text-amber-900" : "bg-slate-50 text-slate-700"}`}
      data-testid="left-out"
      role="status"
    >
      {summary(r)}
    </span>
  );
}
