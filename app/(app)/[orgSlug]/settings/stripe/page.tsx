import type { Metadata } from "next";
import { ActionForm, Field } from "@/components/ui/action-form";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { connectStripeAction } from "@/lib/actions/connect-stripe";
import { disconnectStripeAction } from "@/lib/actions/disconnect-stripe";
import { startStripeBackfillAction } from "@/lib/actions/start-stripe-backfill";
import { testStripeConnectionAction } from "@/lib/actions/test-stripe-connection";
import { requireOrgPage } from "@/lib/auth/org-context";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { formatMoney } from "@/lib/money";
import { latestBackfill } from "@/lib/stripe/backfill";
import { getStripeConnectionView } from "@/lib/stripe/connection";
import { getStripeCounts, listSyncErrors } from "@/lib/stripe/counts";

export const metadata: Metadata = { title: "Stripe" };

const DAY = 86_400_000;

export default async function StripeSettingsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { orgSlug } = await params;
  const { org } = await requireOrgPage(orgSlug, "admin");
  const db = getDb();
  const connection = await getStripeConnectionView(db, org.id);
  const webhookUrl = `${env().appUrl}/api/webhooks/stripe/${org.slug}`;
  const hidden = { orgSlug: org.slug };
  return (
    <>
      <Card
        title={connection ? "Stripe is connected" : "Connect Stripe"}
        description="Subscriptions, prices and discounts are read from Stripe and turned into subscription items, whose MRR is computed as for any other source. Create a restricted key with read access to Customers, Subscriptions, Invoices, Prices, Products and Coupons, and a webhook endpoint at the URL below."
      >
        <dl className="mb-4 grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="font-medium text-slate-700">Webhook URL</dt>
          <dd className="font-mono break-all">{webhookUrl}</dd>
          {connection && (
            <>
              <dt className="font-medium text-slate-700">Key</dt>
              <dd className="font-mono">{connection.keyHint}</dd>
              <dt className="font-medium text-slate-700">Last test</dt>
              <dd>
                {connection.lastTestedAt
                  ? `${formatDateTime(connection.lastTestedAt)}: ${connection.lastTestError ?? "works"}`
                  : "never"}
              </dd>
            </>
          )}
        </dl>
        <ActionForm
          action={connectStripeAction}
          submitLabel={connection ? "Replace key and secret" : "Connect"}
          hidden={hidden}
          resetOnSuccess
          className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-end"
        >
          <Field
            name="apiKey"
            label="Restricted API key"
            type="password"
            autoComplete="off"
            required
            placeholder="rk_live_…"
          />
          <Field
            name="webhookSecret"
            label="Webhook signing secret"
            type="password"
            autoComplete="off"
            required
            placeholder="whsec_…"
          />
        </ActionForm>
        {connection && (
          <div className="mt-4 flex flex-wrap gap-4">
            <ActionForm
              action={testStripeConnectionAction}
              submitLabel="Test connection"
              submitVariant="secondary"
              hidden={hidden}
            />
            <ActionForm
              action={disconnectStripeAction}
              submitLabel="Disconnect"
              submitVariant="danger"
              hidden={hidden}
            />
          </div>
        )}
      </Card>
      {connection && <SyncStatus orgId={org.id} hidden={hidden} />}
    </>
  );
}

async function SyncStatus({ orgId, hidden }: { orgId: string; hidden: Record<string, string> }) {
  const db = getDb();
  const backfill = await latestBackfill(db, orgId);
  const now = new Date();
  const counts = await getStripeCounts(db, { orgId, from: new Date(now.getTime() - 30 * DAY), to: now });
  const errors = await listSyncErrors(db, orgId);
  const unfinished = backfill && !backfill.finishedAt;
  return (
    <>
      <Card
        title="Backfill"
        description="Imports every customer, invoice and subscription (all statuses; invoices date past price and seat changes, so past months are right). It pages through Stripe, waits out rate limits, and resumes where it stopped."
      >
        {backfill ? (
          <p className="mb-4 text-sm text-slate-700">
            {backfill.status === "succeeded"
              ? "Finished"
              : backfill.status === "failed"
                ? "Stopped"
                : "Running"}
            {backfill.status !== "succeeded" && ` (reading ${backfill.phase})`}: {backfill.customers}{" "}
            customers, {backfill.invoices} invoices, {backfill.subscriptions} subscriptions in{" "}
            {backfill.pages} pages
            {backfill.rateLimited ? `, rate-limited ${backfill.rateLimited}×` : ""}. Updated{" "}
            {formatDateTime(backfill.updatedAt)}.{backfill.error && ` Error: ${backfill.error}`}
          </p>
        ) : (
          <p className="mb-4 text-sm text-slate-600">
            No backfill yet. Webhooks keep data current from now on.
          </p>
        )}
        <ActionForm
          action={startStripeBackfillAction}
          submitLabel={unfinished ? "Resume backfill" : backfill ? "Run again" : "Start backfill"}
          hidden={hidden}
        />
      </Card>
      <Card
        title="Subscriptions in Stripe"
        description="As last synced. Payment failures and usage revenue: last 30 days."
      >
        <dl className="grid gap-2 text-sm sm:grid-cols-[12rem_1fr]">
          <dt className="font-medium text-slate-700">Active / trialing</dt>
          <dd>
            {counts.active} / {counts.trialing}
          </dd>
          <dt className="font-medium text-slate-700">Past due</dt>
          <dd>{counts.pastDue}</dd>
          <dt className="font-medium text-slate-700">Cancelled</dt>
          <dd>{counts.canceled}</dd>
          <dt className="font-medium text-slate-700">Payment failures</dt>
          <dd>{counts.paymentFailures}</dd>
          <dt className="font-medium text-slate-700">Usage revenue (not MRR)</dt>
          <dd>
            {counts.usageRevenue.length
              ? counts.usageRevenue.map((u) => formatMoney(u.amount, u.currency)).join(", ")
              : "none"}
          </dd>
        </dl>
      </Card>
      {errors.length > 0 && (
        <Card
          title="Customers that could not be synced"
          description="Fix the cause (often a missing exchange rate); the next event or backfill retries them."
        >
          <ul className="space-y-1 text-sm">
            {errors.map((e) => (
              <li key={e.stripeId}>
                <span className="font-mono">{e.stripeId}</span>: {e.error}
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
