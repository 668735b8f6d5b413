export * from "./api-keys";
export * from "./audit-logs";
export * from "./auth-attempts";
export * from "./invitations";
export * from "./job-runs";
export * from "./memberships";
export * from "./organizations";
export * from "./users";
