import type { Command } from "commander";
import type { Db } from "@/db/client";
import { findUserByEmail } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { createOrganization } from "@/lib/orgs/organizations";
import type { CliContext } from "../context";
import { dbAction } from "../output";

export type OrgCreateOptions = {
  slug: string;
  name: string;
  currency?: string;
  timezone?: string;
  /** Email of an existing user; an org without an owner could never be reached. */
  owner: string;
};

export type OrgCreateResult = {
  org: { id: string; slug: string; name: string; currency: string; timezone: string; createdAt: Date };
  owner: { id: string; email: string };
};

export async function orgCreate(db: Db, options: OrgCreateOptions): Promise<OrgCreateResult> {
  const owner = await findUserByEmail(db, options.owner);
  if (!owner) {
    throw new AppError(
      404,
      `no user with email "${options.owner.trim()}"; create it first with \`meridian user create --email ${options.owner.trim()}\``,
    );
  }
  const org = await createOrganization(db, {
    slug: options.slug,
    name: options.name,
    currency: options.currency,
    timezone: options.timezone,
    ownerUserId: owner.id,
  }).catch((error) => {
    // The service words a taken slug for the web form ("The address ... is taken").
    if (error instanceof AppError && error.status === 409) {
      throw new AppError(
        409,
        `an organisation with slug "${options.slug.trim().toLowerCase()}" already exists`,
      );
    }
    throw error;
  });
  return {
    org: {
      id: org.id,
      slug: org.slug,
      name: org.name,
      currency: org.currency,
      timezone: org.timezone,
      createdAt: org.createdAt,
    },
    owner: { id: owner.id, email: owner.email },
  };
}

export function orgCreateText({ org, owner }: OrgCreateResult): string {
  return [
    `Created organisation "${org.name}" (${org.slug}, ${org.id}).`,
    `Reporting currency ${org.currency}, timezone ${org.timezone}; owner ${owner.email}.`,
  ].join("\n");
}

export function registerOrgCommands(program: Command, ctx: CliContext): void {
  const org = program.command("org").description("manage organisations");
  org
    .command("create")
    .description("create an organisation with an existing user as its owner")
    .usage("--slug <slug> --name <name> --owner <email> [options]")
    .requiredOption("--slug <slug>", "URL address: 3-40 lowercase letters, digits and dashes, e.g. acme")
    .requiredOption("--name <name>", "display name, e.g. 'Acme Inc.'")
    .requiredOption("--owner <email>", "email of an existing user (see `meridian user create`)")
    .option("--currency <code>", "ISO 4217 reporting currency", "USD")
    .option("--timezone <zone>", "IANA timezone that defines calendar days", "UTC")
    .addHelpText(
      "after",
      "\nExample:\n  meridian org create --slug acme --name 'Acme Inc.' --owner founder@acme.com --currency EUR",
    )
    .action(dbAction(ctx, (h, o: OrgCreateOptions) => orgCreate(h.db, o), orgCreateText));
}
