import { expect, test } from "@playwright/test";
import { attemptSignIn, formAlert, newAccount, signIn, signOut, signUp } from "./helpers";
import { DEMO } from "./server";

const signInAlert = (page: Parameters<typeof formAlert>[0]) => formAlert(page, "Sign in");

test("the demo owner signs in and sees the demo org", async ({ page }) => {
  await signIn(page, DEMO);
  await expect(page).toHaveURL("/demo");
  const res = await page.goto("/demo");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Demo Company" })).toBeVisible();
  await expect(page.getByText("You are an owner of this organisation.")).toBeVisible();
});

test("anonymous visitors are sent to sign-in and come back after it", async ({ page }) => {
  await page.goto("/demo");
  await expect(page).toHaveURL("/sign-in?callbackUrl=%2Fdemo");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(DEMO.email);
  await page.getByLabel("Password", { exact: true }).fill(DEMO.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL("/demo");
});

test("the API refuses calls without credentials", async ({ request }) => {
  const res = await request.get("/api/v1/org?org=demo");
  expect(res.status()).toBe(401);
  expect(await res.json()).toEqual({ error: "Sign in, or send `Authorization: Bearer <api key>`." });
});

test("a wrong password is refused with a generic message", async ({ page }) => {
  await page.goto("/sign-in");
  await attemptSignIn(page, { email: DEMO.email, password: "not-the-password" });
  await expect(signInAlert(page)).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL("/sign-in");
  // An unknown email reads the same, so the form does not reveal who has an account.
  await attemptSignIn(page, { email: "nobody@e2e.meridian.test", password: "not-the-password" });
  await expect(signInAlert(page)).toHaveText("Wrong email or password.");
});

test("a failed sign-in keeps the typed email", async ({ page }) => {
  await page.goto("/sign-in");
  await attemptSignIn(page, { email: DEMO.email, password: "not-the-password" });
  await expect(signInAlert(page)).toHaveText("Wrong email or password.");
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue(DEMO.email, { timeout: 2_000 });
});

test("ten failed sign-ins lock the account for 15 minutes, even with the right password", async ({
  page,
}) => {
  const user = newAccount("throttled");
  await signUp(page, user);
  await signOut(page);

  for (let attempt = 1; attempt <= 9; attempt++) {
    await attemptSignIn(page, { email: user.email, password: `wrong-password-${attempt}` });
    await expect(signInAlert(page), `attempt ${attempt}`).toHaveText("Wrong email or password.");
  }
  // The tenth failure reaches the limit (10 per email in 15 minutes): it already answers with the lock.
  await attemptSignIn(page, { email: user.email, password: "wrong-password-10" });
  const locked = "Too many attempts (too many failed sign-ins for this account). Try again in 15 minutes.";
  await expect(signInAlert(page)).toHaveText(locked);

  // The eleventh, with the right password, is refused too. The oldest failure is seconds old, so the lock
  // lifts in ceil(15 min - a few seconds) = 15 minutes.
  await attemptSignIn(page, user);
  await expect(signInAlert(page)).toHaveText(locked);
  await expect(page).toHaveURL("/sign-in");
  await page.goto(`/${user.orgSlug}`);
  await expect(page).toHaveURL(`/sign-in?callbackUrl=${encodeURIComponent(`/${user.orgSlug}`)}`);
});
