import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A local stand-in for the Stripe API, for tests: GET list and retrieve of customers, subscriptions,
 * invoices (and their lines), coupons, prices and subscription items, with Stripe's `limit` /
 * `starting_after` pagination and `has_more`. As Stripe does, an invoice lists its first 10 lines only
 * (`lines.has_more`); the rest come from /v1/invoices/:id/lines. It can answer 429 with Retry-After, or fail every request until healed (an outage that
 * interrupts a backfill). Objects are served as given; `expand` is accepted and ignored (fixtures embed
 * what Stripe would expand).
 */

type Obj = { id: string; [key: string]: unknown };
type Collection = "customers" | "subscriptions" | "invoices" | "coupons" | "subscription_items" | "prices";

export type FakeStripe = {
  url: string;
  apiKey: string;
  /** Objects per collection, in list order (Stripe lists newest first; tests decide the order). */
  data: Record<Collection, Obj[]>;
  requests: { path: string; query: Record<string, string> }[];
  /** The next `n` requests answer 429 with `Retry-After: seconds`. */
  rateLimitNext(n: number, retryAfterSeconds?: number): void;
  /** After `n` more good requests, every request fails with a 500 until heal(). */
  breakAfter(n: number): void;
  heal(): void;
  close(): Promise<void>;
};

export async function startFakeStripe({ apiKey = "rk_test_fake" } = {}): Promise<FakeStripe> {
  const data: Record<Collection, Obj[]> = {
    customers: [],
    subscriptions: [],
    invoices: [],
    coupons: [],
    subscription_items: [],
    prices: [],
  };
  const requests: FakeStripe["requests"] = [];
  let rateLimited = 0;
  let retryAfter = 1;
  let goodLeft = Number.POSITIVE_INFINITY;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, message: string, headers = {}) =>
    send(res, status, { error: { type, message } }, headers);

  const linesOf = (invoice: Obj) => ((invoice.lines as { data?: Obj[] } | undefined)?.data ?? []) as Obj[];
  const withFirstLines = (invoice: Obj) => {
    const lines = linesOf(invoice);
    return { ...invoice, lines: { object: "list", data: lines.slice(0, 10), has_more: lines.length > 10 } };
  };

  function list(collection: Collection, query: Record<string, string>, filter: (o: Obj) => boolean) {
    return paginate(data[collection].filter(filter), query);
  }

  function paginate(all: Obj[], query: Record<string, string>) {
    const limit = Math.min(Math.max(Number(query.limit ?? 10), 1), 100);
    let from = 0;
    if (query.starting_after) {
      const at = all.findIndex((o) => o.id === query.starting_after);
      if (at < 0) return null;
      from = at + 1;
    }
    const page = all.slice(from, from + limit);
    return { object: "list", has_more: from + limit < all.length, data: page };
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const query = Object.fromEntries(url.searchParams);
    requests.push({ path: url.pathname, query });
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return error(res, 401, "invalid_request_error", "Invalid API Key provided.");
    }
    if (rateLimited > 0) {
      rateLimited--;
      return error(res, 429, "rate_limit_error", "Too many requests.", { "retry-after": String(retryAfter) });
    }
    if (goodLeft <= 0) {
      return error(res, 500, "api_error", "Fake outage.", { "stripe-should-retry": "false" });
    }
    goodLeft--;
    if (req.method !== "GET") return error(res, 405, "invalid_request_error", "The fake serves GET only.");
    const [, version, collection, id, sub] = url.pathname.split("/");
    if (version !== "v1" || !collection || !(collection in data)) {
      return error(res, 404, "invalid_request_error", `Unrecognized request URL (${url.pathname}).`);
    }
    const c = collection as Collection;
    if (id) {
      const found = data[c].find((o) => o.id === id);
      if (!found) return error(res, 404, "invalid_request_error", `No such ${c}: '${id}'`);
      if (c === "invoices" && sub === "lines") {
        const page = paginate(linesOf(found), query);
        if (!page) return error(res, 400, "invalid_request_error", "Unknown starting_after.");
        return send(res, 200, { ...page, url: `/v1/invoices/${id}/lines` });
      }
      return send(res, 200, c === "invoices" ? withFirstLines(found) : found);
    }
    const status = query.status ?? "active";
    const filter = (o: Obj) =>
      (!query.customer || o.customer === query.customer) &&
      (!query.subscription || o.subscription === query.subscription) &&
      (c !== "subscriptions" || status === "all" || o.status === status);
    const page = list(c, query, filter);
    if (!page) return error(res, 400, "invalid_request_error", "Unknown starting_after.");
    return send(res, 200, c === "invoices" ? { ...page, data: page.data.map(withFirstLines) } : page);
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    data,
    requests,
    rateLimitNext(n, seconds = 1) {
      rateLimited = n;
      retryAfter = seconds;
    },
    breakAfter(n) {
      goodLeft = n;
    },
    heal() {
      goodLeft = Number.POSITIVE_INFINITY;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
