import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Received = { from: string; to: string[]; raw: string };
const received: Received[] = [];
let server: SMTPServer;

// A real SMTP server in-process; the mailer talks to it over TCP as it would to a relay.
beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.MAIL_FROM = "Meridian Test <robot@meridian.test>";
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("sendMail over SMTP", () => {
  it("delivers to the SMTP server named by SMTP_URL and writes no spool file", async () => {
    const { sendMail } = await import("@/lib/email/mailer");
    const sent = await sendMail({
      to: "someone@example.com",
      subject: "Hello from Meridian",
      text: "Body line",
    });
    expect(sent.file).toBeUndefined();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ from: "robot@meridian.test", to: ["someone@example.com"] });
    expect(received[0]?.raw).toMatch(/Subject: Hello from Meridian/);
    expect(received[0]?.raw).toContain("Body line");
  });
});
