import { z } from "zod";
import { AppError } from "@/lib/errors";
import { addDays, dayDiff, isIsoDay } from "./dates";

/** The default window of the time series, the export and the dashboard: the last 90 days. */
export const DEFAULT_RANGE_DAYS = 90;
/** The longest range one read returns (ten years of days). */
export const MAX_RANGE_DAYS = 3660;

export const ZDay = z.string().refine(isIsoDay, "Use a calendar day, YYYY-MM-DD.");

/** `from`/`to` with defaults (to = `latest`, from = 90 days before); errors name the parameter. */
export function resolveRange(
  range: { from?: string; to?: string },
  latest: string,
): { from: string; to: string } {
  const to = range.to ?? latest;
  const from = range.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to)
    throw new AppError(422, `from (${from}) is after to (${to}).`, { fieldErrors: { from: ["After to."] } });
  if (dayDiff(from, to) >= MAX_RANGE_DAYS)
    throw new AppError(422, `A range covers at most ${MAX_RANGE_DAYS} days.`, {
      fieldErrors: { from: ["Too far back."] },
    });
  return { from, to };
}
