// GET|POST|PUT /api/inngest – Inngest's endpoint: it syncs the function list (PUT), inspects it (GET) and
// invokes function steps (POST). Only live when Inngest is configured; otherwise jobs run in-process.
import { serve } from "inngest/next";
import type { NextRequest } from "next/server";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";
import { env } from "@/lib/env";

const handler = serve({ client: inngest, functions });

type RouteHandler = (request: NextRequest, context: unknown) => Promise<Response>;

// Without keys Inngest's handler would answer a sync attempt with a signing-key error; say what is going on.
function whenConfigured(route: RouteHandler): RouteHandler {
  return async (request, context) => {
    if (env().inngestConfigured) return route(request, context);
    return Response.json(
      {
        error:
          "Inngest is not configured (INNGEST_EVENT_KEY + INNGEST_SIGNING_KEY, or INNGEST_DEV=1); jobs run in-process.",
      },
      { status: 404 },
    );
  };
}

export const GET = whenConfigured(handler.GET);
export const POST = whenConfigured(handler.POST);
export const PUT = whenConfigured(handler.PUT);
