import { expect, test } from "@playwright/test";
import { invitationLink, inviteMember, latestMailTo, newAccount, signOut, signUp } from "./helpers";
import { BASE_URL } from "./server";

test("an owner signs up, invites a viewer by mail, and the viewer joins with viewer rights", async ({
  page,
  browser,
}) => {
  const owner = newAccount("owner");
  const viewer = newAccount("viewer");

  await test.step("the owner signs up and lands on the new org's home", async () => {
    await signUp(page, owner);
    await expect(page.getByText("What to do first")).toBeVisible();
    await expect(page.getByText("You are an owner of this organisation.")).toBeVisible();
    await expect(page.getByText("1 member so far.")).toBeVisible();
  });

  let link = "";
  await test.step("the owner invites the viewer, and the invitation is mailed", async () => {
    await inviteMember(page, { orgSlug: owner.orgSlug, email: viewer.email, role: "viewer" });
    await expect(page.getByText(`${viewer.email} as viewer`)).toBeVisible();
    const mail = await latestMailTo(viewer.email);
    expect(mail).toContain(`To: ${viewer.email}`);
    link = invitationLink(mail);
    expect(link).toMatch(new RegExp(`^${BASE_URL}/invite/[A-Za-z0-9_-]{20,}$`));
  });

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await test.step("the viewer opens the link signed out and creates the invited account", async () => {
    await viewerPage.goto(link);
    await expect(viewerPage.getByRole("heading", { name: `Join ${owner.orgName}` })).toBeVisible();
    await expect(viewerPage.getByText("You were invited as viewer")).toBeVisible();
    await expect(viewerPage.getByRole("link", { name: "Sign in to accept" })).toBeVisible();
    await expect(viewerPage.getByLabel("Email", { exact: true })).toHaveValue(viewer.email);
    await expect(viewerPage.getByLabel("Organisation name")).toHaveCount(0);
    await viewerPage.getByLabel("Your name", { exact: true }).fill(viewer.name);
    await viewerPage.getByLabel("Password", { exact: true }).fill(viewer.password);
    await viewerPage.getByRole("button", { name: "Create account" }).click();
    await expect(viewerPage).toHaveURL(`/${owner.orgSlug}`);
    await expect(viewerPage.getByRole("heading", { level: 1, name: owner.orgName })).toBeVisible();
    await expect(viewerPage.getByText("You are a viewer of this organisation.")).toBeVisible();
    // Viewers do not get links into settings.
    await expect(viewerPage.getByRole("link", { name: "Invite members" })).toHaveCount(0);
  });

  await test.step("the invitation link works once", async () => {
    const again = await browser.newContext();
    const other = await again.newPage();
    await other.goto(link);
    await expect(other.getByRole("heading", { name: "Invitation not valid" })).toBeVisible();
    await again.close();
  });

  await test.step("settings are a 404 for the viewer", async () => {
    for (const path of [`/${owner.orgSlug}/settings`, `/${owner.orgSlug}/settings/members`]) {
      const res = await viewerPage.goto(path);
      expect(res?.status(), path).toBe(404);
      await expect(viewerPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }
  });

  await test.step("the owner makes the viewer a member; the table and the audit log show it", async () => {
    await page.goto(`/${owner.orgSlug}/settings/members`);
    await expect(page.getByRole("heading", { name: "Members (2)" })).toBeVisible();
    const row = page.getByTestId(`member-${viewer.email}`);
    const role = row.getByLabel(`Role of ${viewer.email}`, { exact: true });
    await expect(role).toHaveValue("viewer");
    await role.selectOption("member");
    await row.getByRole("button", { name: "Change" }).click();
    await expect(row.getByText("Role changed.")).toBeVisible();
    await page.reload();
    await expect(page.getByLabel(`Role of ${viewer.email}`, { exact: true })).toHaveValue("member");

    await page.goto(`/${owner.orgSlug}/settings/audit-log`);
    const entry = page.getByRole("row").filter({ hasText: "member.role_changed" });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText(owner.email);
    await expect(entry).toContainText(viewer.email);
    await expect(entry).toContainText("viewer → member");
  });

  await test.step("the new member signs out and the org is closed to them again", async () => {
    await viewerPage.goto(`/${owner.orgSlug}`);
    await expect(viewerPage.getByText("You are a member of this organisation.")).toBeVisible();
    await signOut(viewerPage);
    await expect(viewerPage.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await viewerPage.goto(`/${owner.orgSlug}`);
    await expect(viewerPage).toHaveURL(`/sign-in?callbackUrl=${encodeURIComponent(`/${owner.orgSlug}`)}`);
  });

  await viewerContext.close();
});

test("each member's role select is labelled with that member's email", async ({ page }) => {
  const owner = newAccount("labels");
  await signUp(page, owner);
  await page.goto(`/${owner.orgSlug}/settings/members`);
  const byLabel = page.getByLabel(`Role of ${owner.email}`, { exact: true });
  await expect(page.getByTestId(`member-${owner.email}`).getByRole("combobox")).toHaveValue("owner");
  await expect(byLabel).toHaveValue("owner", { timeout: 2_000 });
});
