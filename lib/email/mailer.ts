import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { env } from "@/lib/env";

export type Mail = { to: string; subject: string; text: string; html?: string };
export type SentMail = { messageId: string; file?: string };

let transport: nodemailer.Transporter | undefined;

/**
 * Sends through SMTP_URL when set. Without it the message is rendered to RFC 822 and written to
 * `$MERIDIAN_DATA_DIR/mail/<time>-<to>.eml` (and logged), so a local install can still read its invites.
 */
export async function sendMail(mail: Mail): Promise<SentMail> {
  const { SMTP_URL, MAIL_FROM, dataDir } = env();
  const message = { from: MAIL_FROM, ...mail };
  if (SMTP_URL) {
    transport ??= nodemailer.createTransport(SMTP_URL);
    const info = await transport.sendMail(message);
    return { messageId: info.messageId };
  }
  const spool = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await spool.sendMail(message);
  const dir = path.join(dataDir, "mail");
  mkdirSync(dir, { recursive: true });
  const safeTo = mail.to.replace(/[^a-zA-Z0-9@._-]/g, "_");
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${safeTo}.eml`);
  writeFileSync(file, info.message as Buffer);
  console.info(`[mail] SMTP_URL is not set; wrote "${mail.subject}" to ${mail.to} as ${file}\n${mail.text}`);
  return { messageId: info.messageId, file };
}
