/**
 * One numbered schema change, shipped in code. Statements run in order in one transaction, with
 * unqualified table names resolving to the store's tables.
 */
export interface Migration {
  /** 1, 2, 3…: the order migrations apply in and the number recorded in `cadenza_migrations`. */
  id: number;
  /** `0001_initial`, … */
  name: string;
  statements: readonly string[];
}
