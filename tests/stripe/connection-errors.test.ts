import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { describeTestFailure } from "@/lib/stripe/connection";

// "Test connection" says whether the key, the network or Stripe is the problem, from the SDK's errors.
describe("describeTestFailure", () => {
  const raw = (message: string) => ({ message, type: "invalid_request_error" as const });

  it("names the cause by the SDK's error class", () => {
    expect(
      describeTestFailure(new Stripe.errors.StripeAuthenticationError(raw("Invalid API Key provided"))),
    ).toBe("Stripe refused the key: Invalid API Key provided");
    expect(describeTestFailure(new Stripe.errors.StripePermissionError(raw("no access to customers")))).toBe(
      "The key may not read customers and subscriptions: no access to customers",
    );
    expect(describeTestFailure(new Stripe.errors.StripeConnectionError(raw("getaddrinfo ENOTFOUND")))).toBe(
      "Could not reach Stripe: getaddrinfo ENOTFOUND",
    );
    expect(describeTestFailure(new Error("boom"))).toBe("Stripe answered with an error: boom");
  });
});
