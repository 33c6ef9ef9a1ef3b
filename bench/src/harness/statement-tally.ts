/** Statements of one shape: how often they ran and how long they took, round trip included. */
export interface QueryCount {
  statement: string;
  calls: number;
  ms: number;
}

/** Statements tallied by their first 100 characters, whitespace folded. */
export interface StatementTally {
  add(text: string, ms: number): void;
  reset(): void;
  counts(): QueryCount[];
}

export function statementTally(): StatementTally {
  const counts = new Map<string, QueryCount>();
  return {
    add(text, ms) {
      const statement = text.replace(/\s+/g, " ").trim().slice(0, 100);
      const entry = counts.get(statement) ?? { statement, calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += ms;
      counts.set(statement, entry);
    },
    reset: () => counts.clear(),
    counts: () => [...counts.values()].sort((a, b) => b.ms - a.ms),
  };
}
