import { Inngest } from "inngest";

/**
 * The Inngest client. It reads INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY and INNGEST_DEV itself, lazily, so
 * importing this module never validates the environment; whether events go to Inngest at all is decided
 * by `env().inngestConfigured` in ./index.ts. Typed events live in ./events.ts (`eventType()`), which is
 * how Inngest v4 types triggers and `send` (the v3 EventSchemas are gone).
 */
export const inngest = new Inngest({ id: "meridian" });
