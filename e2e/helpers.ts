import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type APIRequestContext, expect, type Locator, type Page } from "@playwright/test";
import { MAIL_DIR } from "./server";

export type Account = { name: string; email: string; password: string; orgName: string; orgSlug: string };

/** A user and org nobody else in this run (or an earlier one on the same database) has. */
export function newAccount(prefix: string): Account {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return {
    name: `${prefix} ${id}`,
    email: `${prefix}-${id}@e2e.meridian.test`,
    password: `pw-${id}-long-enough`,
    orgName: `${prefix} Org ${id}`,
    orgSlug: `${prefix}-${id}`,
  };
}

/**
 * Clicks a server-action form's submit button and waits for the action to settle: its response has
 * arrived and the button (disabled, with a pending label, while the action runs) is enabled again. So a
 * message that did not change (the same alert twice) is never mistaken for the new result.
 */
export async function submitAction(page: Page, button: Locator): Promise<void> {
  const response = page.waitForResponse(
    (r) => r.request().method() === "POST" && Boolean(r.request().headers()["next-action"]),
  );
  await button.click();
  await response;
  await expect(button).toBeEnabled();
}

/** The error alert of the form that holds `button` (Next's route announcer is an alert too). */
export function formAlert(page: Page, button: string): Locator {
  return page
    .locator("form")
    .filter({ has: page.getByRole("button", { name: button, exact: true }) })
    .getByRole("alert");
}

/** Signs up through /sign-up and waits for the new org's home. */
export async function signUp(page: Page, account: Account): Promise<void> {
  await page.goto("/sign-up");
  await page.getByLabel("Your name", { exact: true }).fill(account.name);
  await page.getByLabel("Email", { exact: true }).fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByLabel("Organisation name", { exact: true }).fill(account.orgName);
  await page.getByLabel("Organisation address", { exact: true }).fill(account.orgSlug);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(`/${account.orgSlug}`);
  await expect(page.getByRole("heading", { level: 1, name: account.orgName })).toBeVisible();
}

/** One sign-in attempt on the current /sign-in page; waits for its result (for attempts that fail). */
export async function attemptSignIn(
  page: Page,
  { email, password }: { email: string; password: string },
): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await submitAction(page, page.getByRole("button", { name: "Sign in", exact: true }));
}

/** Signs in through /sign-in and waits until the app has left the sign-in page. */
export async function signIn(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(credentials.email);
  await page.getByLabel("Password", { exact: true }).fill(credentials.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/** Signs out with the sidebar's user menu (desktop width). */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** Invites `email` from the org's members page and waits for the confirmation. */
export async function inviteMember(
  page: Page,
  { orgSlug, email, role }: { orgSlug: string; email: string; role: string },
) {
  await page.goto(`/${orgSlug}/settings/members`);
  const form = inviteForm(page);
  await form.getByLabel("Email", { exact: true }).fill(email);
  await form.getByLabel("Role", { exact: true }).selectOption(role);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
}

export function inviteForm(page: Page): Locator {
  return page.locator("form").filter({ has: page.getByRole("button", { name: "Send invitation" }) });
}

/** Creates an API key on the org's API keys page and returns the secret shown once. */
export async function createApiKey(
  page: Page,
  { orgSlug, name }: { orgSlug: string; name: string },
): Promise<string> {
  await page.goto(`/${orgSlug}/settings/api-keys`);
  await page.getByLabel("Key name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const box = page.getByLabel(`New key “${name}”`, { exact: true });
  await expect(box).toHaveValue(/^mk_[A-Za-z0-9_-]{43}$/);
  return box.inputValue();
}

/** `GET /api/v1/org` with an API key; returns status and JSON body. */
export async function getOrgWithKey(request: APIRequestContext, key: string, query = "") {
  const res = await request.get(`/api/v1/org${query}`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: res.status(), body: (await res.json()) as Record<string, unknown> };
}

/** The spool files the app wrote for `address` (the mailer's file naming), oldest first. */
export function mailFilesFor(address: string): string[] {
  if (!existsSync(MAIL_DIR)) return [];
  const suffix = `-${address.replace(/[^a-zA-Z0-9@._-]/g, "_")}.eml`;
  return readdirSync(MAIL_DIR)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => path.join(MAIL_DIR, f));
}

/** The newest mail written to the spool for `address`, waiting briefly for it to appear. */
export async function latestMailTo(address: string): Promise<string> {
  await expect
    .poll(() => mailFilesFor(address).length, { message: `a mail to ${address} in ${MAIL_DIR}` })
    .toBeGreaterThan(0);
  const newest = mailFilesFor(address).at(-1) ?? "";
  return readFileSync(newest, "utf8");
}

/** Undoes quoted-printable: soft line breaks (`=\n`) and `=XX` bytes (decoded as UTF-8). */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, "");
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");
}

/** The invitation link in a raw .eml, whatever transfer encoding the mailer chose for its parts. */
export function invitationLink(eml: string): string {
  const candidates = [decodeQuotedPrintable(eml), ...base64Parts(eml)];
  for (const text of candidates) {
    const match = /https?:\/\/[^\s"'<>]+\/invite\/[A-Za-z0-9_-]+/.exec(text);
    if (match) return match[0];
  }
  throw new Error(`No invitation link in this mail:\n${eml}`);
}

function base64Parts(eml: string): string[] {
  return [
    ...eml.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/gi),
  ].map((m) => Buffer.from((m[1] ?? "").replace(/\s/g, ""), "base64").toString("utf8"));
}
