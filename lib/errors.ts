/** The one error class for expected failures; wrappers map `status` to HTTP codes and action results. */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429,
    message: string,
    readonly details?: { fieldErrors?: Record<string, string[]>; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "Not found") => new AppError(404, what);
export const forbidden = (why = "You do not have permission to do this.") => new AppError(403, why);
export const conflict = (why: string) => new AppError(409, why);
export const badRequest = (why: string) => new AppError(400, why);
