// POST /api/v1/events – store a JSON array of up to 1,000 product events (ENG-1), idempotent by event `id`; all or nothing.
import { apiHandler, jsonError } from "@/lib/api/handler";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readBodyText } from "@/lib/events/body";
import { MAX_BATCH_BYTES, MAX_EVENTS_PER_BATCH, parseEvents } from "@/lib/events/event";
import { createRateLimiter, type RateLimiter } from "@/lib/events/rate-limit";
import { writeEvents } from "@/lib/events/write";

let limiter: RateLimiter | undefined;

export const POST = apiHandler({ role: "member" }, async ({ req, db, org, apiKeyId, user }) => {
  // Refuse before reading the body: a client over its rate should cost us as little as possible.
  const perSecond = env().EVENTS_RATE_LIMIT_PER_S;
  limiter ??= createRateLimiter({ perSecond });
  const decision = limiter.take(apiKeyId ?? `session:${user?.id}:${org.id}`);
  if (!decision.ok) {
    throw new AppError(
      429,
      `Too many requests: at most ${perSecond} per second per API key (bursts of ${perSecond * 2}); retry in ${decision.retryAfterSeconds} s.`,
      { retryAfterSeconds: decision.retryAfterSeconds },
    );
  }

  const text = await readBodyText(req, MAX_BATCH_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return jsonError(400, "The request body is not valid JSON.");
  }
  if (!Array.isArray(body)) return jsonError(422, "The body must be a JSON array of events.");
  if (body.length > MAX_EVENTS_PER_BATCH) {
    throw new AppError(
      413,
      `At most ${MAX_EVENTS_PER_BATCH.toLocaleString("en-US")} events per request; this one has ${body.length.toLocaleString("en-US")}.`,
    );
  }
  const parsed = parseEvents(body);
  if (parsed.errors) {
    const invalid = new Set(parsed.errors.map((e) => e.index)).size;
    return jsonError(422, `${invalid} of ${body.length} events are invalid; nothing was stored.`, {
      errors: parsed.errors,
    });
  }
  return writeEvents(
    db,
    { orgId: org.id, timezone: org.timezone, activationEvents: org.settings.activationEvents },
    parsed.events,
  );
});
