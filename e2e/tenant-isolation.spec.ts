import { type Browser, expect, type Page, test } from "@playwright/test";
import {
  type Account,
  createApiKey,
  getOrgWithKey,
  inviteForm,
  mailFilesFor,
  newAccount,
  signIn,
  signUp,
  submitAction,
} from "./helpers";
import { DEMO } from "./server";

/** Two orgs with one owner each, signed in in their own browser contexts. */
async function twoOrgs(browser: Browser) {
  const a = newAccount("tenant-a");
  const b = newAccount("tenant-b");
  const pageA = await (await browser.newContext()).newPage();
  const pageB = await (await browser.newContext()).newPage();
  await signUp(pageA, a);
  await signUp(pageB, b);
  return { a, b, pageA, pageB };
}

async function expectNotFound(page: Page, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
}

test.describe("tenant isolation", () => {
  let a: Account;
  let b: Account;
  let pageA: Page;
  let pageB: Page;

  test.beforeEach(async ({ browser }) => {
    ({ a, b, pageA, pageB } = await twoOrgs(browser));
  });

  test.afterEach(async () => {
    await pageA.context().close();
    await pageB.context().close();
  });

  test("another org's pages are a 404", async () => {
    for (const path of [
      `/${a.orgSlug}`,
      `/${a.orgSlug}/settings`,
      `/${a.orgSlug}/settings/members`,
      `/${a.orgSlug}/settings/api-keys`,
    ]) {
      await expectNotFound(pageB, path);
      // The 404 must not leak the org's name.
      await expect(pageB.getByText(a.orgName)).toHaveCount(0);
    }
    // Control: the same pages answer for A's owner.
    const res = await pageA.goto(`/${a.orgSlug}/settings/members`);
    expect(res?.status()).toBe(200);
  });

  test("another org's API is a 404 with a session", async () => {
    const theirs = await pageB.request.get(`/api/v1/org?org=${a.orgSlug}`);
    expect(theirs.status()).toBe(404);
    expect(await theirs.json()).toEqual({ error: "Not found." });
    // Control: B's own org answers with the same cookie, so the 404 is not a missing session.
    const own = await pageB.request.get(`/api/v1/org?org=${b.orgSlug}`);
    expect(own.status()).toBe(200);
    expect(await own.json()).toMatchObject({
      slug: b.orgSlug,
      name: b.orgName,
      role: "owner",
      via: "session",
    });
  });

  test("another org's server actions answer Not found. and change nothing", async () => {
    const victim = newAccount("smuggled");
    await pageB.goto(`/${b.orgSlug}/settings/members`);
    const form = inviteForm(pageB);
    await form.locator('input[name="orgSlug"]').evaluate((input, slug) => {
      (input as HTMLInputElement).value = slug;
    }, a.orgSlug);
    await form.getByLabel("Email", { exact: true }).fill(victim.email);
    await submitAction(pageB, form.getByRole("button", { name: "Send invitation" }));
    await expect(form.getByRole("alert")).toHaveText("Not found.");

    await pageA.goto(`/${a.orgSlug}/settings/members`);
    await expect(pageA.getByRole("heading", { name: "Members (1)" })).toBeVisible();
    await expect(pageA.getByText(/Pending invitations/)).toHaveCount(0);
    await expect(pageA.getByText(victim.email)).toHaveCount(0);
    expect(mailFilesFor(victim.email)).toEqual([]);
    await pageA.goto(`/${a.orgSlug}/settings/audit-log`);
    await expect(pageA.getByText("member.invited")).toHaveCount(0);
  });

  test("an API key acts for its own org only", async ({ request }) => {
    const key = await createApiKey(pageB, { orgSlug: b.orgSlug, name: "isolation probe" });
    const own = await getOrgWithKey(request, key);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ slug: b.orgSlug, name: b.orgName, role: "member", via: "api_key" });
    // Naming A with B's key is "not found": the key's org is the only one it can reach.
    const named = await getOrgWithKey(request, key, `?org=${a.orgSlug}`);
    expect(named.status).toBe(404);
    expect(named.body.slug).toBeUndefined();
    expect((await getOrgWithKey(request, key, `?org=${b.orgSlug}`)).body.slug).toBe(b.orgSlug);
    // A tampered key is refused outright.
    const forged = await getOrgWithKey(request, `${key.slice(0, -4)}xxxx`);
    expect(forged.status).toBe(401);
  });
});

test("an org the demo user is not in is a 404, whether it exists or not", async ({ page, browser }) => {
  const stranger = newAccount("stranger");
  const other = await (await browser.newContext()).newPage();
  await signUp(other, stranger);
  await other.context().close();

  await signIn(page, DEMO);
  await expectNotFound(page, "/some-other-org");
  await expectNotFound(page, `/${stranger.orgSlug}`);
  await expect(page.getByText(stranger.orgName)).toHaveCount(0);
});
