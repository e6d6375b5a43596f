/**
 * Minimal repros of the known defects: the shrunk counterexamples of the campaign, run first in the
 * seeded run (as fast-check examples) and on their own in fuzz.test.ts.
 */
import type { FuzzCase } from './arbitraries.js';

export interface Repro {
  /** The check it violates today (a key of KNOWN_DEFECTS). */
  check: string;
  title: string;
  case: FuzzCase;
}

export const REPROS: readonly Repro[] = [];
