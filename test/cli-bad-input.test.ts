/**
 * The CLI's bad-input table: the real launcher (bin/kmeans-quantizer.js -> dist/cli.js) on missing,
 * unreadable, empty, truncated and wrong-format inputs and on unwritable outputs. Each row must give one
 * stderr line starting 'kmeans-quantizer: ' (and matching the row's pattern), nothing on stdout, the
 * documented exit code (src/cli.ts, `--help`: 1 for files and runtime, 2 for usage, 3 for a refused
 * overwrite), and write nothing: a fresh output path still does not exist afterwards, an existing output
 * is byte-identical (the rows that keep one pass --force, so that the input's error is what stops them),
 * and so is the input.
 *
 * A row whose check is listed in KNOWN_DEFECTS (test/fuzz/known-defects.ts) asserts the right behaviour
 * but does not fail while the defect is listed: its failure is printed instead (and a row that passes
 * while listed says so, so that the entry can go).
 */
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { cli, coffee, expectCleanError, readPng, useCliTestDir } from './helpers/cli.js';
import { isKnownDefect } from './fuzz/known-defects.js';

const tmp = useCliTestDir('kmeans-cli-bad-');

/** Exit codes documented by `--help` and src/cli.ts. */
const RUNTIME = 1;
const REFUSED = 3;

interface Row {
  name: string;
  /** A KNOWN_DEFECTS key when today's behaviour fails the row. */
  check?: string;
  /** Makes the files of the row in its own directory; returns the arguments and the paths that must not change. */
  setup: (dir: (name: string) => string) => { args: string[]; fresh?: string[]; unchanged?: string[] };
  codes: number[];
  pattern: RegExp;
  /** Why the row can't run here, when it can't (checked after setup). */
  skip?: (dir: (name: string) => string) => string | undefined;
}

/** An existing file the run must leave alone, as -o. */
function sentinel(dir: (name: string) => string): string {
  const path = dir('existing-out.png');
  writeFileSync(path, 'an earlier output\n');
  return path;
}

function canRead(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

function canWriteIn(directory: string): boolean {
  try {
    accessSync(directory, constants.W_OK);
    writeFileSync(`${directory}/.probe`, '');
    return true;
  } catch {
    return false;
  }
}

const ROOT_SKIP = 'running as root: file modes do not stop root, so the permission error cannot happen here';

const ENGINE = ['-k', '2', '--max-iterations', '2'];

const ROWS: Row[] = [
  { name: 'a missing input file', codes: [RUNTIME], pattern: /cannot read ".*missing\.png": no such file or directory/,
    setup: (d) => ({ args: [d('missing.png'), ...ENGINE, '-o', d('out.png')], fresh: [d('out.png')] }) },
  { name: 'a directory as input', codes: [RUNTIME], pattern: /cannot read ".*in-dir": is a directory/,
    setup: (d) => (mkdirSync(d('in-dir')), { args: [d('in-dir'), ...ENGINE, '-o', d('out.png')], fresh: [d('out.png')] }) },
  { name: 'an empty file', codes: [RUNTIME], pattern: /".*empty\.png" (is not a PNG or JPEG file|is empty)/,
    setup: (d) => (writeFileSync(d('empty.png'), ''), { args: [d('empty.png'), ...ENGINE, '--force', '-o', sentinel(d)], unchanged: [d('existing-out.png')] }) },
  { name: 'a truncated PNG (200 bytes of coffee.png)', check: 'cli:truncated-png-message', codes: [RUNTIME],
    // The message should say the file is cut short or corrupt, not quote the decoder's internals.
    pattern: /cannot decode PNG ".*truncated\.png": [^:]*(truncated|corrupt|incomplete|ends early|unexpected end)/i,
    setup: (d) => (writeFileSync(d('truncated.png'), readFileSync(coffee).subarray(0, 200)), { args: [d('truncated.png'), ...ENGINE, '--force', '-o', sentinel(d)], unchanged: [d('existing-out.png'), d('truncated.png')] }) },
  { name: 'a truncated JPEG (first 3000 bytes)', check: 'cli:truncated-jpeg-message', codes: [RUNTIME],
    pattern: /cannot decode JPEG ".*truncated\.jpg": [^:]*(truncated|corrupt|incomplete|ends early|unexpected end)/i,
    setup: (d) => (writeFileSync(d('truncated.jpg'), truncatedJpeg()), { args: [d('truncated.jpg'), ...ENGINE, '-o', d('out.png')], fresh: [d('out.png')] }) },
  { name: 'a wrong-format file (text)', codes: [RUNTIME], pattern: /".*notes\.png" is not a PNG or JPEG file/,
    setup: (d) => (writeFileSync(d('notes.png'), 'this is not an image\n'), { args: [d('notes.png'), ...ENGINE, '-o', d('out.png')], fresh: [d('out.png')] }) },
  { name: 'an unreadable file (chmod 000)', codes: [RUNTIME], pattern: /cannot read ".*locked\.png": permission denied/,
    setup: (d) => (copyFileSync(coffee, d('locked.png')), chmodSync(d('locked.png'), 0o000), { args: [d('locked.png'), ...ENGINE, '-o', d('out.png')], fresh: [d('out.png')] }),
    skip: (d) => (canRead(d('locked.png')) ? ROOT_SKIP : undefined) },
  { name: 'an output under a missing parent', codes: [RUNTIME], pattern: /cannot write ".*no-such-dir\/out\.png": directory .*no such file or directory/,
    setup: (d) => ({ args: [coffee, ...ENGINE, '-o', d('no-such-dir/out.png')], fresh: [d('no-such-dir')] }) },
  { name: 'an output under a read-only parent (chmod 555)', codes: [RUNTIME], pattern: /cannot write ".*read-only\/out\.png": (permission denied|read-only)/,
    setup: (d) => (mkdirSync(d('read-only')), chmodSync(d('read-only'), 0o555), { args: [coffee, ...ENGINE, '-o', d('read-only/out.png')], fresh: [d('read-only/out.png')] }),
    skip: (d) => (canWriteIn(d('read-only')) ? ROOT_SKIP : undefined) },
  { name: 'an output under a parent that is a file', codes: [RUNTIME], pattern: /cannot write ".*a-file\/out\.png": .*(is not a directory|not a directory)/,
    setup: (d) => (writeFileSync(d('a-file'), 'x'), { args: [coffee, ...ENGINE, '-o', d('a-file/out.png')], unchanged: [d('a-file')] }) },
  { name: 'a directory as -o', codes: [RUNTIME], pattern: /cannot write ".*out-dir": it is a directory/,
    setup: (d) => (mkdirSync(d('out-dir')), { args: [coffee, ...ENGINE, '-o', d('out-dir')] }) },
  { name: '-o the same path as the input', check: 'cli:same-input-output', codes: [REFUSED], pattern: /".*photo\.png".*\binput\b/,
    setup: (d) => (copyFileSync(coffee, d('photo.png')), { args: [d('photo.png'), ...ENGINE, '-o', d('photo.png')], unchanged: [d('photo.png')] }) },
  { name: '-o the input under another spelling (sub/../photo.png)', check: 'cli:same-input-output', codes: [REFUSED], pattern: /".*photo\.png".*\binput\b/,
    setup: (d) => (copyFileSync(coffee, d('photo.png')), mkdirSync(d('sub')), { args: [d('photo.png'), ...ENGINE, '-o', d('sub/../photo.png')], unchanged: [d('photo.png')] }) },
];

function truncatedJpeg(): Uint8Array {
  const png = readPng(coffee);
  return jpeg.encode({ data: png.data, width: png.width, height: png.height }, 80).data.subarray(0, 3000);
}

function snapshotOf(paths: string[]): Map<string, Buffer> {
  return new Map(paths.map((p) => [p, readFileSync(p)]));
}

type Setup = ReturnType<Row['setup']>;

/** The row's assertions: the clean error, the code, and nothing written. */
function assertRow(row: Row, setup: Setup, dir: (name: string) => string): void {
  const { args, fresh = [], unchanged = [] } = setup;
  const before = snapshotOf(unchanged);
  const run = cli(...args);
  for (const [path, bytes] of before) expect(readFileSync(path).equals(bytes), `${path} was changed`).toBe(true);
  for (const path of fresh) expect(existsSync(path), `${path} was created`).toBe(false);
  const outDir = dir('out-dir');
  if (existsSync(outDir)) expect(statSync(outDir).isDirectory() && readdirSync(outDir), `${outDir} was written into`).toEqual([]);
  expect(row.codes, `exit ${run.status}: ${run.stderr}`).toContain(run.status);
  expectCleanError(run, run.status!, row.pattern);
}

/** Runs the row's assertions; a row listed in KNOWN_DEFECTS reports its failure instead of failing. */
function checkRow(row: Row, setup: Setup, dir: (name: string) => string): void {
  let failure: unknown;
  try {
    assertRow(row, setup, dir);
  } catch (error) {
    failure = error;
  }
  if (row.check && isKnownDefect(row.check)) {
    if (failure) console.info(`cli: known defect ${row.check} (${row.name}): ${(failure as Error).message.split('\n')[0]}`);
    else console.warn(`cli: ${row.check} no longer fails (${row.name}): remove it from KNOWN_DEFECTS`);
    return;
  }
  if (failure) throw failure;
}

describe('CLI bad input: one prefixed stderr line, a documented exit code, nothing written', () => {
  ROWS.forEach((row, i) => {
    it(`${row.name}${row.check && isKnownDefect(row.check) ? ` (known defect ${row.check})` : ''}`, (context) => {
      const base = tmp(`row-${i}`);
      mkdirSync(base);
      const dir = (name: string): string => `${base}/${name}`;
      const setup = row.setup(dir);
      const reason = row.skip?.(dir);
      if (reason) return context.skip(reason);
      checkRow(row, setup, dir);
    });
  });
});
