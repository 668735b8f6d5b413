import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { auditLogs, invitations, memberships, type User } from "@/db/schema";
import { createUser } from "@/lib/auth/users";
import {
  acceptInvitation,
  findPendingInvitation,
  inviteMember,
  listPendingInvitations,
  revokeInvitation,
} from "@/lib/orgs/invitations";
import { changeMemberRole, listMembers, removeMember } from "@/lib/orgs/members";
import {
  createOrganization,
  findMembershipBySlug,
  listUserOrgs,
  updateOrgSettings,
} from "@/lib/orgs/organizations";
import { createTestDb } from "./helpers/db";

// Mail goes to the spool directory (no SMTP_URL): the invitation tests read the link from there.
const dataDir = mkdtempSync(path.join(tmpdir(), "meridian-orgs-"));
process.env.MERIDIAN_DATA_DIR = dataDir;
delete process.env.SMTP_URL;

let h: DbHandle;
let owner: User;
let stranger: User;
beforeAll(async () => {
  h = await createTestDb();
  owner = await createUser(h.db, { email: "owner@acme.test", password: "owner password" });
  stranger = await createUser(h.db, { email: "stranger@other.test", password: "stranger password" });
});
afterAll(() => h.close());

const audits = async (orgId: string, action: string) =>
  h.db
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.orgId, orgId), eq(auditLogs.action, action)));

function latestMailTo(email: string): string {
  const dir = path.join(dataDir, "mail");
  const file = readdirSync(dir)
    .filter((f) => f.endsWith(`-${email}.eml`))
    .sort()
    .at(-1);
  if (!file) throw new Error(`no mail to ${email}`);
  // Undo quoted-printable soft breaks and escapes so the link can be read.
  return readFileSync(path.join(dir, file), "utf8")
    .replace(/=\r?\n/g, "")
    .replace(/=3D/g, "=");
}

describe("organisations", () => {
  it("creates an org with its creator as owner, and refuses a taken or bad slug", async () => {
    const org = await createOrganization(h.db, {
      name: "Acme Inc.",
      slug: "acme",
      currency: "eur",
      timezone: "Europe/Paris",
      ownerUserId: owner.id,
    });
    expect(org).toMatchObject({ slug: "acme", currency: "EUR", timezone: "Europe/Paris" });
    expect(await findMembershipBySlug(h.db, { slug: "ACME", userId: owner.id })).toMatchObject({
      role: "owner",
    });
    await expect(
      createOrganization(h.db, { name: "Other", slug: "acme", ownerUserId: stranger.id }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      createOrganization(h.db, { name: "Bad", slug: "api", ownerUserId: stranger.id }),
    ).rejects.toThrow(/slug: This address is reserved/);
    await expect(
      createOrganization(h.db, {
        name: "Bad",
        slug: "bad-tz",
        timezone: "Nowhere/Land",
        ownerUserId: stranger.id,
      }),
    ).rejects.toThrow(/timezone/);
    expect(await findMembershipBySlug(h.db, { slug: "bad-tz", userId: stranger.id })).toBeUndefined();
  });

  it("hides an org from non-members", async () => {
    expect(await findMembershipBySlug(h.db, { slug: "acme", userId: stranger.id })).toBeUndefined();
    expect(await listUserOrgs(h.db, stranger.id)).toEqual([]);
  });

  it("lets a user belong to several orgs", async () => {
    await createOrganization(h.db, { name: "Beta Ltd", slug: "beta", ownerUserId: owner.id });
    expect((await listUserOrgs(h.db, owner.id)).map((o) => o.slug)).toEqual(["acme", "beta"]);
  });

  it("updates settings and audit-logs what changed", async () => {
    const acme = await findMembershipBySlug(h.db, { slug: "acme", userId: owner.id });
    const org = await updateOrgSettings(h.db, {
      orgId: acme!.org.id,
      actorUserId: owner.id,
      name: "Acme SAS",
      currency: "USD",
      timezone: "Europe/Paris",
    });
    expect(org.name).toBe("Acme SAS");
    const [entry] = await audits(org.id, "org.settings_changed");
    expect(entry?.metadata).toEqual({
      name: { from: "Acme Inc.", to: "Acme SAS" },
      currency: { from: "EUR", to: "USD" },
    });
    await expect(
      updateOrgSettings(h.db, {
        orgId: org.id,
        actorUserId: owner.id,
        name: "Acme",
        currency: "XYZ",
        timezone: "UTC",
      }),
    ).rejects.toThrow(/currency/);
  });
});

describe("invitations and members", () => {
  it("invites by mail with a single-use link; accepting makes a member with the invited role", async () => {
    const { org } = (await findMembershipBySlug(h.db, { slug: "acme", userId: owner.id }))!;
    const { token, url } = await inviteMember(h.db, {
      orgId: org.id,
      actor: { userId: owner.id, role: "owner" },
      email: "Viewer@Acme.test",
      role: "viewer",
    });
    const mail = latestMailTo("viewer@acme.test");
    expect(mail).toContain(url);
    expect(mail).toMatch(/Subject: .*invited you to Acme SAS/);
    const stored = await h.db.select().from(invitations).where(eq(invitations.orgId, org.id));
    expect(stored[0]?.tokenHash).not.toContain(token); // only the hash is stored

    const viewer = await createUser(h.db, { email: "viewer@acme.test", password: "viewer password" });
    expect(await findPendingInvitation(h.db, token)).toBeDefined();
    const joined = await acceptInvitation(h.db, { token, userId: viewer.id });
    expect(joined.slug).toBe("acme");
    expect(await findMembershipBySlug(h.db, { slug: "acme", userId: viewer.id })).toMatchObject({
      role: "viewer",
    });
    await expect(acceptInvitation(h.db, { token, userId: stranger.id })).rejects.toMatchObject({
      status: 404,
    });
    expect(await findMembershipBySlug(h.db, { slug: "acme", userId: stranger.id })).toBeUndefined();
    expect(await audits(org.id, "member.joined")).toHaveLength(1);
  });

  it("refuses expired and revoked links, and revoking another org's invitation is not found", async () => {
    const { org } = (await findMembershipBySlug(h.db, { slug: "acme", userId: owner.id }))!;
    const { org: beta } = (await findMembershipBySlug(h.db, { slug: "beta", userId: owner.id }))!;
    const expired = await inviteMember(h.db, {
      orgId: org.id,
      actor: { userId: owner.id, role: "owner" },
      email: "late@acme.test",
      role: "member",
    });
    await h.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, expired.invitation.id));
    await expect(acceptInvitation(h.db, { token: expired.token, userId: stranger.id })).rejects.toThrow(
      /expired/,
    );

    const revoked = await inviteMember(h.db, {
      orgId: org.id,
      actor: { userId: owner.id, role: "owner" },
      email: "nope@acme.test",
      role: "member",
    });
    await expect(
      revokeInvitation(h.db, { orgId: beta.id, actorUserId: owner.id, invitationId: revoked.invitation.id }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await listPendingInvitations(h.db, org.id)).map((i) => i.email)).toContain("nope@acme.test");
    await revokeInvitation(h.db, {
      orgId: org.id,
      actorUserId: owner.id,
      invitationId: revoked.invitation.id,
    });
    await expect(acceptInvitation(h.db, { token: revoked.token, userId: stranger.id })).rejects.toMatchObject(
      { status: 404 },
    );
    expect((await listPendingInvitations(h.db, org.id)).map((i) => i.email)).not.toContain("nope@acme.test");
  });

  it("only owners invite owners; an existing member cannot be invited again", async () => {
    const { org } = (await findMembershipBySlug(h.db, { slug: "acme", userId: owner.id }))!;
    await expect(
      inviteMember(h.db, {
        orgId: org.id,
        actor: { userId: owner.id, role: "admin" },
        email: "boss@acme.test",
        role: "owner",
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      inviteMember(h.db, {
        orgId: org.id,
        actor: { userId: owner.id, role: "owner" },
        email: "viewer@acme.test",
        role: "member",
      }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("changes roles with audit, never leaving an org without an owner", async () => {
    const { org } = (await findMembershipBySlug(h.db, { slug: "acme", userId: owner.id }))!;
    const members = await listMembers(h.db, org.id);
    const viewer = members.find((m) => m.email === "viewer@acme.test")!;
    await changeMemberRole(h.db, {
      orgId: org.id,
      actor: { userId: owner.id, role: "owner" },
      userId: viewer.userId,
      role: "admin",
    });
    const [changed] = await audits(org.id, "member.role_changed");
    expect(changed).toMatchObject({ target: "viewer@acme.test", metadata: { from: "viewer", to: "admin" } });
    // An admin may not make an owner or demote one.
    await expect(
      changeMemberRole(h.db, {
        orgId: org.id,
        actor: { userId: viewer.userId, role: "admin" },
        userId: viewer.userId,
        role: "owner",
      }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      changeMemberRole(h.db, {
        orgId: org.id,
        actor: { userId: viewer.userId, role: "admin" },
        userId: owner.id,
        role: "member",
      }),
    ).rejects.toMatchObject({ status: 403 });
    // The last owner can neither be demoted nor removed, even by themselves.
    await expect(
      changeMemberRole(h.db, {
        orgId: org.id,
        actor: { userId: owner.id, role: "owner" },
        userId: owner.id,
        role: "admin",
      }),
    ).rejects.toThrow(/at least one owner/);
    await expect(
      removeMember(h.db, { orgId: org.id, actor: { userId: owner.id, role: "owner" }, userId: owner.id }),
    ).rejects.toThrow(/at least one owner/);
    // With a second owner, the first may step down.
    await changeMemberRole(h.db, {
      orgId: org.id,
      actor: { userId: owner.id, role: "owner" },
      userId: viewer.userId,
      role: "owner",
    });
    await changeMemberRole(h.db, {
      orgId: org.id,
      actor: { userId: owner.id, role: "owner" },
      userId: owner.id,
      role: "admin",
    });
    expect(await findMembershipBySlug(h.db, { slug: "acme", userId: owner.id })).toMatchObject({
      role: "admin",
    });
  });

  it("removes a member with audit; a member of another org is not found", async () => {
    const { org } = (await findMembershipBySlug(h.db, { slug: "beta", userId: owner.id }))!;
    const temp = await createUser(h.db, { email: "temp@beta.test", password: "temp password" });
    await h.db.insert(memberships).values({ orgId: org.id, userId: temp.id, role: "member" });
    await expect(
      removeMember(h.db, { orgId: org.id, actor: { userId: owner.id, role: "owner" }, userId: stranger.id }),
    ).rejects.toMatchObject({ status: 404 });
    await removeMember(h.db, { orgId: org.id, actor: { userId: owner.id, role: "owner" }, userId: temp.id });
    expect(await findMembershipBySlug(h.db, { slug: "beta", userId: temp.id })).toBeUndefined();
    expect(await audits(org.id, "member.removed")).toMatchObject([
      { target: "temp@beta.test", metadata: { role: "member" } },
    ]);
  });
});

describe("metric policy and reporting currency", () => {
  it("saves the policy with audit, says when revenue must be rebuilt, and locks the currency once items exist", async () => {
    const { updateMetricPolicy, metricPolicyOf, findOrgById } = await import("@/lib/orgs/organizations");
    const { saveSubscriptionItem, upsertCustomer } = await import("@/lib/revenue/items");
    const org = await createOrganization(h.db, {
      name: "Policy Co",
      slug: "policy-co",
      ownerUserId: owner.id,
    });
    expect(metricPolicyOf(org)).toEqual({ grossMarginPercent: 100, pastDueChurnAfterDays: null });
    expect(
      await updateMetricPolicy(h.db, {
        orgId: org.id,
        actorUserId: owner.id,
        policy: { grossMarginPercent: 80, pastDueChurnAfterDays: null },
      }),
    ).toEqual({ rebuildNeeded: false });
    expect(
      await updateMetricPolicy(h.db, {
        orgId: org.id,
        actorUserId: owner.id,
        policy: { grossMarginPercent: 80, pastDueChurnAfterDays: 30 },
      }),
    ).toEqual({ rebuildNeeded: true });
    expect(metricPolicyOf((await findOrgById(h.db, org.id))!)).toEqual({
      grossMarginPercent: 80,
      pastDueChurnAfterDays: 30,
    });
    expect((await audits(org.id, "org.metric_policy_changed")).map((a) => a.metadata)).toEqual([
      { grossMarginPercent: { from: 100, to: 80 } },
      { pastDueChurnAfterDays: { from: null, to: 30 } },
    ]);

    // The currency can change while there is no subscription data, and not after.
    await updateOrgSettings(h.db, {
      orgId: org.id,
      actorUserId: owner.id,
      name: "Policy Co",
      currency: "EUR",
      timezone: "UTC",
    });
    const customer = await upsertCustomer(h.db, org.id, { externalId: "c1", name: "C1" });
    await saveSubscriptionItem(h.db, org.id, {
      source: "manual",
      externalId: "i1",
      customerId: customer.id,
      quantity: 1,
      unitAmount: 1000,
      currency: "EUR",
      intervalUnit: "month",
      startDate: "2024-01-01",
    });
    await expect(
      updateOrgSettings(h.db, {
        orgId: org.id,
        actorUserId: owner.id,
        name: "Policy Co",
        currency: "USD",
        timezone: "UTC",
      }),
    ).rejects.toThrow(/reporting currency cannot change/);
  });
});
