// GET|POST /api/auth/* – next-auth's endpoints (session, CSRF, credentials callback, sign-out).
import { handlers } from "@/lib/auth/auth";

export const { GET, POST } = handlers;
