import { type APIRequestContext, expect, test } from "@playwright/test";
import { DEMO } from "./server";

/** Signs in through Auth.js's credentials endpoint, so the request context carries a session cookie. */
async function signInWithRequest(
  request: APIRequestContext,
  credentials: { email: string; password: string },
) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { ...credentials, csrfToken, callbackUrl: "/" },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(302);
  const cookies = await request.storageState();
  expect(cookies.cookies.map((c) => c.name)).toContain("meridian.session");
}

test("health answers ok", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
});

test("no or bad credentials are a 401", async ({ request }) => {
  expect((await request.get("/api/v1/org")).status()).toBe(401);
  const basic = await request.get("/api/v1/org", { headers: { Authorization: "Basic ZGVtbzpkZW1v" } });
  expect(basic.status()).toBe(401);
  expect(await basic.json()).toEqual({ error: "Use `Authorization: Bearer <api key>`." });
  const unknown = await request.get("/api/v1/org", {
    headers: { Authorization: "Bearer mk_not-a-real-key" },
  });
  expect(unknown.status()).toBe(401);
  expect(await unknown.json()).toEqual({ error: "Invalid or revoked API key." });
});

test("with a session, the org is named with ?org= and must be one of the user's", async ({ request }) => {
  await signInWithRequest(request, DEMO);

  const own = await request.get("/api/v1/org?org=demo");
  expect(own.status()).toBe(200);
  const body = await own.json();
  expect(body).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    slug: "demo",
    name: "Demo Company",
    currency: "USD",
    timezone: "UTC",
    role: "owner",
    via: "session",
  });

  const unnamed = await request.get("/api/v1/org");
  expect(unnamed.status()).toBe(400);
  expect((await unnamed.json()).error).toContain("?org=<slug>");

  const stranger = await request.get("/api/v1/org?org=no-such-org");
  expect(stranger.status()).toBe(404);
  expect(await stranger.json()).toEqual({ error: "Not found." });
});
