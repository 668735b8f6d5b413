import path from "node:path";
import { expect, test } from "@playwright/test";
import Stripe from "stripe";
import { newAccount, signUp } from "./helpers";

// Settings → Stripe in the built app: connect (the key is stored encrypted and shown masked), the
// webhook URL to paste into Stripe, and the webhook route's signature check against the real server.
const SCREENSHOT_DIR = path.join(import.meta.dirname, "screenshots");
const stripe = new Stripe("sk_test_unused");

test("an owner connects Stripe; the org's webhook refuses bad signatures and acknowledges signed events", async ({
  page,
}) => {
  const owner = newAccount("stripe");
  const apiKey = `rk_test_${"e2eSecretKey".repeat(3)}9876`;
  const secret = "whsec_e2eSigningSecret0123456789abcdef";
  const webhook = `/api/webhooks/stripe/${owner.orgSlug}`;

  await test.step("connect", async () => {
    await signUp(page, owner);
    await page.goto(`/${owner.orgSlug}/settings/stripe`);
    await expect(page.getByText(`localhost:3100${webhook}`)).toBeVisible();
    await page.getByLabel("Restricted API key").fill(apiKey);
    await page.getByLabel("Webhook signing secret").fill(secret);
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Stripe is connected" })).toBeVisible();
    // Masked: the end of the key identifies it, the rest is never sent back to the browser.
    await expect(page.getByText("9876", { exact: false }).first()).toBeVisible();
    expect(await page.content()).not.toContain(apiKey);
    await expect(page.getByRole("button", { name: "Start backfill" })).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-stripe-desktop.png"), fullPage: true });
  });

  await test.step("webhooks: a bad signature is 400, a signed event 200, an org without Stripe 404", async () => {
    const payload = JSON.stringify({
      id: `evt_e2e_${Date.now()}`,
      object: "event",
      type: "charge.succeeded",
      api_version: "2024-06-20",
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: "ch_e2e", object: "charge", customer: "cus_e2e" } },
    });
    const bad = await page.request.post(webhook, {
      data: payload,
      headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=deadbeef" },
    });
    expect(bad.status()).toBe(400);
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret });
    const headers = { "content-type": "application/json", "stripe-signature": signature };
    // A type Meridian does not use: acknowledged (so Stripe stops retrying), nothing stored or queued.
    const first = await page.request.post(webhook, { data: payload, headers });
    expect(first.status()).toBe(200);
    expect(await first.json()).toEqual({ received: true, ignored: true });
    // Another org's webhook URL (the demo org has no Stripe connection): not found.
    const other = await page.request.post("/api/webhooks/stripe/demo", { data: payload, headers });
    expect(other.status()).toBe(404);
  });
});
