import { AppError } from "@/lib/errors";

export function bodyTooLarge(maxBytes: number): AppError {
  return new AppError(
    413,
    `The request body is larger than the ${(maxBytes / 1024 / 1024).toLocaleString("en-US")} MB limit (${maxBytes.toLocaleString("en-US")} bytes); send fewer events per request.`,
  );
}

/**
 * The request body as text, refused with 413 beyond `maxBytes`: at once when Content-Length says so,
 * else as soon as the bytes actually read pass the limit (a missing or lying header changes nothing).
 */
export async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  const length = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(length) && length > maxBytes) throw bodyTooLarge(maxBytes);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}
