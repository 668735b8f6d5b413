import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import type { Db } from "@/db/client";
import { createUser, normalizeEmail, ZPassword } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { parseField } from "@/lib/orgs/validation";
import type { CliContext } from "../context";
import { dbAction } from "../output";

export type UserCreateOptions = { email: string; password?: string; name?: string };

export type UserCreateResult = {
  user: { id: string; email: string; name: string | null; createdAt: Date };
  /** Only when the CLI generated the password: the one time anyone sees it. */
  generatedPassword?: string;
};

/** 18 random bytes = 24 base64url characters (144 bits), well above the 10-character minimum. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

export async function userCreate(db: Db, options: UserCreateOptions): Promise<UserCreateResult> {
  // Validated here too so the message names the field ("password: Use at least 10 characters.").
  const password = parseField(ZPassword, options.password ?? generatePassword(), "password");
  const user = await createUser(db, { email: options.email, password, name: options.name }).catch((error) => {
    // createUser's wording ("... Sign in instead.") is for the sign-up form.
    if (error instanceof AppError && error.status === 409) {
      throw new AppError(409, `a user with email "${normalizeEmail(options.email)}" already exists`);
    }
    throw error;
  });
  return {
    user: { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt },
    ...(options.password === undefined ? { generatedPassword: password } : {}),
  };
}

export function userCreateText({ user, generatedPassword }: UserCreateResult): string {
  const lines = [`Created user ${user.email} (${user.id}).`];
  if (generatedPassword) {
    lines.push("Generated password (shown only this once; pass it on securely):", generatedPassword);
  }
  return lines.join("\n");
}

export function registerUserCommands(program: Command, ctx: CliContext): void {
  const user = program.command("user").description("manage user accounts");
  user
    .command("create")
    .description("create a user who can sign in with an email and password")
    .usage("--email <email> [options]")
    .requiredOption("--email <email>", "sign-in email address")
    .option(
      "--password <password>",
      "at least 10 characters; omit it to generate a strong one (a password typed here lands in your shell history)",
    )
    .option("--name <name>", "display name")
    .addHelpText("after", "\nExample:\n  meridian user create --email founder@acme.com --name 'Ada Founder'")
    .action(dbAction(ctx, (h, o: UserCreateOptions) => userCreate(h.db, o), userCreateText));
}
