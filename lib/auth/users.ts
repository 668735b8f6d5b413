import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { type User, users } from "@/db/schema";
import { AppError, conflict } from "@/lib/errors";
import { dummyPasswordHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "./password";

export const ZEmail = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address."));
export const ZPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(200, "Use at most 200 characters.");

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return user;
}

export async function createUser(db: Db, input: { email: string; password: string; name?: string | null }) {
  const email = ZEmail.safeParse(input.email);
  if (!email.success) throw new AppError(422, "Enter a valid email address.");
  const password = ZPassword.safeParse(input.password);
  if (!password.success) throw new AppError(422, password.error.issues[0]?.message ?? "Invalid password.");
  const passwordHash = await hashPassword(password.data);
  const [user] = await db
    .insert(users)
    .values({ email: email.data, name: input.name?.trim() || null, passwordHash })
    .onConflictDoNothing({ target: users.email })
    .returning();
  if (!user) throw conflict("An account with this email already exists. Sign in instead.");
  return user;
}

/** The user whose password matches, or undefined; takes the same time whether or not the email exists. */
export async function verifyCredentials(db: Db, email: string, password: string): Promise<User | undefined> {
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  return user && ok ? user : undefined;
}
