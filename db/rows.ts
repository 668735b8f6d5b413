/** The single row an INSERT … RETURNING or a lookup by primary key must produce. */
export function one<T>(rows: T[], what = "row"): T {
  const [row] = rows;
  if (row === undefined) throw new Error(`Expected one ${what}, got none`);
  return row;
}
