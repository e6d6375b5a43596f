/**
 * The seeded fuzz run of `npm test`: a few hundred cases over quantize(), createQuantizer().quantize()
 * with warm starts and fitPalette()/applyPalette() (arbitraries.ts), each judged by the full properties
 * (judge.ts, oracle.ts, validate.ts): a valid result, or a typed error naming the bad option, or an
 * AbortError for an abort, within CALL_BOUND_MS (and ABORT_LATENCY_MS after an abort). Violations of a
 * check listed in KNOWN_DEFECTS are counted and printed, not asserted; everything else fails the test
 * with fast-check's shrunk counterexample. The long campaign is `npm run fuzz -- --runs 10000`.
 *
 * KMQ_FUZZ_RUNS and KMQ_FUZZ_SEED change the run's size and seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseArb } from './arbitraries.js';
import { runCase } from './cases.js';
import { ABORT_LATENCY_MS, CALL_BOUND_MS } from './judge.js';
import { CHECK_NAMES, isKnownDefect, KNOWN_DEFECTS } from './known-defects.js';
import type { Violation } from './oracle.js';
import { REPROS } from './repros.js';

const SEED = Number(process.env.KMQ_FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.KMQ_FUZZ_RUNS ?? 500);

function describeViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.check}: ${v.detail}`).join('\n');
}

describe('fuzz: every call resolves to a valid result or rejects with a typed error, in bounded time', () => {
  it(`${RUNS} seeded cases (seed ${SEED}; bound ${CALL_BOUND_MS} ms a call, ${ABORT_LATENCY_MS} ms after an abort)`, async () => {
    const known = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { violations } = await runCase(c);
        for (const check of new Set(violations.map((v) => v.check))) if (isKnownDefect(check)) known.set(check, (known.get(check) ?? 0) + 1);
        const failing = violations.filter((v) => !isKnownDefect(v.check));
        if (failing.length > 0) throw new Error(describeViolations(failing));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (known.size > 0) {
      console.info(`fuzz: known defects seen (KNOWN_DEFECTS, not asserted): ${[...known].map(([check, n]) => `${check} in ${n} cases`).join(', ')}`);
    }
  }, 300_000);

  it('each KNOWN_DEFECTS entry names a check the suite reports, and says why it is listed', () => {
    for (const [check, defect] of KNOWN_DEFECTS) {
      expect(CHECK_NAMES.has(check) || check.startsWith('cli:'), check).toBe(true);
      expect(defect.issue.length, check).toBeGreaterThan(20);
    }
  });

  describe('minimal repros of the known defects (asserted once the defect leaves KNOWN_DEFECTS)', () => {
    for (const repro of REPROS) {
      it(`${repro.check}: ${repro.title}`, async () => {
        const { violations } = await runCase(repro.case);
        const failing = violations.filter((v) => !isKnownDefect(v.check));
        expect(failing, describeViolations(failing)).toEqual([]);
        if (isKnownDefect(repro.check) && !violations.some((v) => v.check === repro.check)) {
          console.warn(`fuzz: ${repro.check} no longer reproduces: remove it from KNOWN_DEFECTS`);
        }
      }, 60_000);
    }
  });
});
