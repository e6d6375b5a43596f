/**
 * The long fuzz campaign (`npm run fuzz -- --runs 10000`, bench/fuzz.js): runs the cases one after
 * another from a seed, counts how calls ended (resolved, rejected by code, over the time bound) and which
 * checks failed, then shrinks one counterexample per failing check with fast-check (replaying its first
 * failing run by path) and prints it.
 */
import fc from 'fast-check';
import { caseArb, type FuzzCase } from './arbitraries.js';
import { runCase, type CaseReport } from './cases.js';
import { CALL_BOUND_MS } from './judge.js';
import { isKnownDefect, KNOWN_DEFECTS } from './known-defects.js';

export interface CampaignOptions {
  runs: number;
  seed: number;
  /** Seconds of shrinking per failing check (fast-check stops there with the smallest case so far). */
  shrinkSeconds: number;
  /** Only these checks are shrunk (all when empty). */
  shrinkChecks?: string[];
  log: (line: string) => void;
}

interface CheckStats {
  cases: number;
  firstRun: number;
  firstDetail: string;
}

export interface CampaignReport {
  seed: number;
  cases: number;
  calls: number;
  resolved: number;
  rejected: Record<string, number>;
  hung: number;
  overBound: number;
  /** Cases with at least one violation, and cases with one outside KNOWN_DEFECTS. */
  invalidCases: number;
  newDefectCases: number;
  checks: Record<string, CheckStats>;
  shrunk: Record<string, { case: string; detail: string; interrupted: boolean } | { error: string }>;
  seconds: number;
}

function record(report: CampaignReport, run: number, r: CaseReport): void {
  report.cases++;
  for (const call of r.calls) {
    report.calls++;
    if (call.outcome === 'resolved') report.resolved++;
    else if (call.outcome === 'hung') report.hung++;
    else report.rejected[call.code] = (report.rejected[call.code] ?? 0) + 1;
    if (call.ms > CALL_BOUND_MS) report.overBound++;
  }
  if (r.violations.length > 0) report.invalidCases++;
  if (r.violations.some((v) => !isKnownDefect(v.check))) report.newDefectCases++;
  for (const check of new Set(r.violations.map((v) => v.check))) {
    const stats = (report.checks[check] ??= { cases: 0, firstRun: run, firstDetail: r.violations.find((v) => v.check === check)!.detail });
    stats.cases++;
  }
}

/** Shrinks a counterexample of one check, starting from its first failing run. */
async function shrink(check: string, stats: CheckStats, options: CampaignOptions): Promise<CampaignReport['shrunk'][string]> {
  const property = fc.asyncProperty(caseArb, async (c) => !(await runCase(c)).violations.some((v) => v.check === check));
  const details = await fc.check(property, { seed: options.seed, path: String(stats.firstRun), numRuns: 1, interruptAfterTimeLimit: options.shrinkSeconds * 1000 });
  const example = details.counterexample?.[0] as FuzzCase | undefined;
  if (!example) return { error: `did not fail again on replay (${details.interrupted ? 'interrupted' : 'passed'})` };
  const again = await runCase(example);
  const detail = again.violations.find((v) => v.check === check)?.detail ?? '(passed when run once more: flaky)';
  return { case: fc.stringify(example), detail, interrupted: details.interrupted };
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const started = performance.now();
  const report: CampaignReport = {
    seed: options.seed, cases: 0, calls: 0, resolved: 0, rejected: {}, hung: 0, overBound: 0, invalidCases: 0, newDefectCases: 0, checks: {}, shrunk: {}, seconds: 0,
  };
  let run = 0;
  const property = fc.asyncProperty(caseArb, async (c) => {
    record(report, run++, await runCase(c));
    if (run % 250 === 0) options.log(`${run} cases, ${Math.round((performance.now() - started) / 1000)} s, ${report.invalidCases} with violations`);
    return true;
  });
  await fc.check(property, { seed: options.seed, numRuns: options.runs });
  for (const [check, stats] of Object.entries(report.checks)) {
    if (options.shrinkChecks?.length && !options.shrinkChecks.includes(check)) continue;
    options.log(`shrinking ${check} (first at run ${stats.firstRun})`);
    report.shrunk[check] = await shrink(check, stats, options);
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** The report as text: counts, then each failing check (known or new) with its shrunk counterexample. */
export function formatReport(r: CampaignReport): string {
  const lines = [
    `seed ${r.seed}: ${r.cases} cases, ${r.calls} calls in ${r.seconds.toFixed(0)} s`,
    `resolved: ${r.resolved}`,
    `rejected by code: ${Object.entries(r.rejected).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`,
    `hung: ${r.hung}; over the time bound (${CALL_BOUND_MS} ms): ${r.overBound} calls`,
    `cases with invalid results or wrong errors: ${r.invalidCases} (outside KNOWN_DEFECTS: ${r.newDefectCases})`,
    '',
  ];
  const checks = Object.entries(r.checks).sort((a, b) => Number(isKnownDefect(a[0])) - Number(isKnownDefect(b[0])) || b[1].cases - a[1].cases);
  for (const [check, stats] of checks) {
    const known = KNOWN_DEFECTS.get(check);
    lines.push(`${known ? 'KNOWN' : 'NEW  '} ${check}: ${stats.cases} cases (first at run ${stats.firstRun}: ${stats.firstDetail})`);
    const shrunk = r.shrunk[check];
    if (shrunk && 'case' in shrunk) lines.push(`      shrunk${shrunk.interrupted ? ' (time limit)' : ''}: ${shrunk.case}`, `      -> ${shrunk.detail}`);
    else if (shrunk) lines.push(`      shrink: ${shrunk.error}`);
  }
  return lines.join('\n');
}
