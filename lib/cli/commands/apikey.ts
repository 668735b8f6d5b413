import type { Command } from "commander";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { organizations } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys";
import { AppError } from "@/lib/errors";
import type { CliContext } from "../context";
import { dbAction } from "../output";

export type ApiKeyCreateOptions = { org: string; name: string };

export type ApiKeyCreateResult = {
  /** The full key: shown once, only its hash is stored. */
  key: string;
  apiKey: { id: string; name: string; prefix: string; createdAt: Date };
  org: { id: string; slug: string };
};

// The CLI acts outside any membership, so it looks the org up by slug alone (the app never should).
async function findOrgBySlug(db: Db, slug: string) {
  const [org] = await db
    .select({ id: organizations.id, slug: organizations.slug })
    .from(organizations)
    .where(eq(organizations.slug, slug.trim().toLowerCase()))
    .limit(1);
  return org;
}

export async function apiKeyCreate(db: Db, options: ApiKeyCreateOptions): Promise<ApiKeyCreateResult> {
  const org = await findOrgBySlug(db, options.org);
  if (!org) throw new AppError(404, `organisation "${options.org}" not found`);
  // createdBy null: the audit log shows the key came from the CLI, not from a signed-in user.
  const { key, apiKey } = await createApiKey(db, { orgId: org.id, name: options.name, createdBy: null });
  return { key, apiKey, org };
}

export function apiKeyCreateText({ key, apiKey, org }: ApiKeyCreateResult): string {
  return [
    `Created API key "${apiKey.name}" (${apiKey.prefix}…) for ${org.slug}.`,
    "Copy it now; it is shown only this once:",
    key,
  ].join("\n");
}

export function registerApiKeyCommands(program: Command, ctx: CliContext): void {
  const apikey = program.command("apikey").description("manage API keys");
  apikey
    .command("create")
    .description("create an API key for an organisation and print it once")
    .usage("--org <slug> --name <name> [options]")
    .requiredOption("--org <slug>", "organisation slug")
    .requiredOption("--name <name>", "what the key is for, e.g. 'warehouse sync'")
    .addHelpText("after", "\nExample:\n  meridian apikey create --org acme --name 'warehouse sync' --json")
    .action(dbAction(ctx, (h, o: ApiKeyCreateOptions) => apiKeyCreate(h.db, o), apiKeyCreateText));
}
