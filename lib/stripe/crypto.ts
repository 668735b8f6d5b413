import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { decodeKey, type Env, env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/*
 * Stripe keys and webhook secrets at rest: AES-256-GCM with a random 12-byte IV per value and the org id
 * as additional data, so a ciphertext copied to another org's row does not decrypt. Stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url). The key is STRIPE_ENCRYPTION_KEY; embedded mode generates
 * one into $MERIDIAN_DATA_DIR/stripe-encryption-key on first use, as it does for AUTH_SECRET.
 */

const FILE = "stripe-encryption-key";

export function encryptionKey(
  e: Pick<Env, "STRIPE_ENCRYPTION_KEY" | "embedded" | "dataDir"> = env(),
): Buffer {
  if (e.STRIPE_ENCRYPTION_KEY) {
    const key = decodeKey(e.STRIPE_ENCRYPTION_KEY);
    if (key) return key;
  }
  if (!e.embedded) {
    throw new AppError(
      422,
      "STRIPE_ENCRYPTION_KEY is not set: set it to 32 random bytes (`openssl rand -base64 32`) and restart to connect Stripe.",
    );
  }
  return embeddedKey(e.dataDir);
}

function embeddedKey(dataDir: string): Buffer {
  const file = path.join(dataDir, FILE);
  const read = () => {
    const key = decodeKey(readFileSync(file, "utf8"));
    if (!key) throw new Error(`${file} does not hold a 32-byte key; remove it only if no Stripe key uses it`);
    return key;
  };
  if (existsSync(file)) return read();
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  } catch (error) {
    // Another process wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return read();
}

export function encryptSecret(plain: string, orgId: string, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(orgId));
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function decryptSecret(stored: string, orgId: string, key: Buffer = encryptionKey()): string {
  const [version, iv, tag, data] = stored.split(".");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("unknown secret format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(orgId));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

/** What the UI may show of a key: its kind prefix and last four characters (`rk_live_…4f2a`). */
export function maskSecret(secret: string): string {
  const prefix = /^(rk|sk|whsec)_(live_|test_)?/.exec(secret)?.[0] ?? "";
  return `${prefix}…${secret.slice(-4)}`;
}
