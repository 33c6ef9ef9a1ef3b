import { type RunVerdict, verdictFails } from "../verify/verify-run.js";

/** What one scenario reports: the summary numbers, details, and whether a guarantee broke. */
export interface ScenarioResult {
  scenario: string;
  leads: number;
  kills: number;
  duplicates: number;
  unknown: number;
  lost: number;
  auditFindings: number;
  /** One line of scenario-specific numbers. */
  details: string;
  problems: string[];
  failed: boolean;
  seconds: number;
}

/** A scenario result from a run's verdict, plus the scenario's own extra problems. */
export function resultFromVerdict(
  scenario: string,
  verdict: RunVerdict,
  extra: { kills: number; details: string; problems?: string[]; started: number },
): ScenarioResult {
  const problems = [...verdict.problems, ...(extra.problems ?? [])];
  return {
    scenario,
    leads: verdict.leads,
    kills: extra.kills,
    duplicates: verdict.duplicates,
    unknown: verdict.unknown,
    lost: verdict.lost,
    auditFindings: verdict.auditFindings,
    details: extra.details,
    problems,
    failed: verdictFails(verdict) || problems.length > 0,
    seconds: Math.round((Date.now() - extra.started) / 100) / 10,
  };
}

/** The summary line: `scenario, leads, kills, duplicates, unknown, lost, audit_findings`. */
export function summaryLine(r: ScenarioResult): string {
  return `${r.scenario}, leads=${r.leads}, kills=${r.kills}, duplicates=${r.duplicates}, unknown=${r.unknown}, lost=${r.lost}, audit_findings=${r.auditFindings}`;
}

/** How the sent/bounced/failed/scheduled numbers of a verdict read in a details line. */
export function outcomeCounts(v: RunVerdict): string {
  return `sent=${v.sent} unknown_accepted=${v.unknownAccepted} completed=${v.completed} bounced=${v.bounced} failed=${v.failed} scheduled=${v.scheduled} over_limit=${v.overLimit}`;
}
