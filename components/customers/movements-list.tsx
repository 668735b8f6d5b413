import { Table } from "@/components/ui/table";
import type { CustomerMovement } from "@/db/queries/customers";
import { formatMonthLabel, MOVEMENT_LABELS } from "@/lib/arr/format";
import { formatMoney } from "@/lib/money";

/** A customer's MOV-1 movements, newest first: month, kind, MRR at the end of the month before → after. */
export function MovementsList({ movements, currency }: { movements: CustomerMovement[]; currency: string }) {
  if (!movements.length) {
    return <p className="text-sm text-slate-600">No movement yet: the customer has never had MRR.</p>;
  }
  return (
    <Table
      columns={[
        { label: "Month" },
        { label: "Movement" },
        { label: `MRR before → after (${currency})`, className: "text-right" },
      ]}
    >
      {movements.map((m) => {
        const change = m.mrrAfter - m.mrrBefore;
        return (
          <tr key={m.month} data-testid={`movement-${m.month}`}>
            <td className="whitespace-nowrap py-1.5 pr-4">{formatMonthLabel(m.month)}</td>
            <td className="py-1.5 pr-4" data-testid="kind">
              {MOVEMENT_LABELS[m.kind]}
            </td>
            <td className="whitespace-nowrap py-1.5 pr-4 text-right tabular-nums" data-testid="mrr">
              {formatMoney(m.mrrBefore, currency)} → {formatMoney(m.mrrAfter, currency)}
              <span className={`block text-xs ${change < 0 ? "text-red-700" : "text-slate-500"}`}>
                {change < 0 ? "−" : "+"}
                {formatMoney(Math.abs(change), currency)}
              </span>
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
