import { cache } from "react";
import { getDb } from "@/db/client";
import { getMovements } from "@/db/queries/revenue";
import type { ArrContext } from "./context";

// The trend and the bridge read the same months: one query per request (React's cache compares
// arguments by identity, so the key is a string).
const movementsByKey = cache((key: string) => {
  const { orgId, from, to, filters } = JSON.parse(key);
  return getMovements(getDb(), { orgId, from, to, filters });
});

export const loadMovements = (c: ArrContext) =>
  movementsByKey(
    JSON.stringify({ orgId: c.org.id, from: c.view.from, to: c.view.to, filters: c.view.filters }),
  );
