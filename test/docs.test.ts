/**
 * The API reference (`npm run docs`: TypeDoc over the three entry points, typedoc.json): it builds without
 * a warning, and the main exports of each entry are in it with their JSDoc, in the JSON model and in the
 * HTML pages. Written to a temporary folder, not docs/api/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/index.js';

const root = resolve(import.meta.dirname, '..');

/** The parts of TypeDoc's JSON model this test reads. */
interface CommentPart {
  kind: string;
  text: string;
}
interface Reflection {
  name: string;
  kind: number;
  comment?: { summary: CommentPart[]; blockTags?: Array<{ tag: string; content: CommentPart[] }> };
  signatures?: Reflection[];
  children?: Reflection[];
}

/** The main exports a newcomer looks for, by module. */
const MAIN: Record<string, string[]> = {
  'kmeans-quantizer': ['quantize', 'createQuantizer', 'applyPalette', 'remap', 'fitPalette', 'QuantizeResult', 'QuantizeOptions', 'Quantizer'],
  'kmeans-quantizer/node': ['readImage', 'writePng'],
  'kmeans-quantizer/element': ['KmeansQuantizerElement', 'KmeansCompleteEvent'],
};

let dir = '';
let run: { status: number | null; output: string };
let model: Reflection;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kmq-docs-'));
  // The package script itself, its output sent elsewhere.
  const r = spawnSync('npm', ['run', '--silent', 'docs', '--', '--out', join(dir, 'html'), '--json', join(dir, 'api.json')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  run = { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  if (existsSync(join(dir, 'api.json'))) model = JSON.parse(readFileSync(join(dir, 'api.json'), 'utf8')) as Reflection;
}, 200_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The text of a comment's summary, code spans included. */
function summary(reflection: Reflection): string {
  const comment = reflection.comment ?? reflection.signatures?.[0]?.comment;
  return (comment?.summary ?? []).map((part) => part.text).join('').trim();
}

function moduleNamed(name: string): Reflection {
  const found = model.children?.find((child) => child.name === name);
  if (!found) throw new Error(`no module ${name} in the API reference (modules: ${model.children?.map((c) => c.name).join(', ')})`);
  return found;
}

describe('npm run docs (TypeDoc)', () => {
  it('builds the HTML and the JSON model with no warning', () => {
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toMatch(/\[warning\]|\[error\]/);
    expect(existsSync(join(dir, 'html', 'index.html'))).toBe(true);
    expect(model.children?.map((c) => c.name).sort()).toEqual(['kmeans-quantizer', 'kmeans-quantizer/element', 'kmeans-quantizer/node']);
  });

  for (const [moduleName, names] of Object.entries(MAIN)) {
    it(`documents the main exports of ${moduleName}: ${names.join(', ')}`, () => {
      const mod = moduleNamed(moduleName);
      for (const name of names) {
        const reflection = mod.children?.find((child) => child.name === name);
        expect(reflection, `${moduleName} exports ${name}`).toBeDefined();
        expect(summary(reflection!).length, `${moduleName}.${name} has a JSDoc summary`).toBeGreaterThan(20);
      }
    });
  }

  it('the element page lists its properties and its events (the @fires tags)', () => {
    const element = moduleNamed('kmeans-quantizer/element').children!.find((c) => c.name === 'KmeansQuantizerElement')!;
    const members = element.children!.map((c) => c.name);
    for (const name of ['src', 'image', 'k', 'backend', 'colorSpace', 'dither', 'result', 'refresh']) expect(members).toContain(name);
    // Lit's own members are left out (excludeExternals), so the page is about this element.
    expect(members).not.toContain('requestUpdate');
    const fires = element.comment!.blockTags!.filter((t) => t.tag === '@fires').map((t) => t.content.map((p) => p.text).join(''));
    expect(fires.join('\n')).toMatch(/kmeans-progress[\s\S]*kmeans-complete[\s\S]*kmeans-error/);
    const page = readFileSync(join(dir, 'html', 'classes', 'kmeans-quantizer_element.KmeansQuantizerElement.html'), 'utf8');
    expect(page).toContain('kmeans-complete');
    expect(page).toContain('--kmq-accent-color');
  });

  it('the function pages carry their JSDoc text', () => {
    const quantize = moduleNamed('kmeans-quantizer').children!.find((c) => c.name === 'quantize')!;
    const page = readFileSync(join(dir, 'html', 'functions', 'kmeans-quantizer.quantize.html'), 'utf8');
    expect(page).toContain(summary(quantize).split('\n')[0]!.slice(0, 40));
    expect(existsSync(join(dir, 'html', 'functions', 'kmeans-quantizer_node.readImage.html'))).toBe(true);
  });
});


describe('README: coming from pngquant, image-q or sharp', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Coming from pngquant, image-q or sharp');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  /** The table's rows as cells: theirs, our CLI, our library. */
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| they write'))
    .map((line) => line.replace(/\\\|/g, '¦').split(' | ').map((cell) => cell.replace(/^\| |\|$/g, '').trim()));

  it('maps every option the brief lists, and each row has three cells', () => {
    expect(start).toBeGreaterThan(0);
    for (const row of rows) expect(row, row.join(' | ')).toHaveLength(3);
    const theirs = rows.map((row) => row[0]).join('\n');
    for (const option of ['--nofs', '--floyd', '--quality', '--speed', '--ext', '--force', '--skip-if-larger', '--output', 'colorDistanceFormula', 'paletteQuantization', 'imageQuantization', 'palette', 'colours', 'dither', 'quality', 'effort']) {
      expect(theirs).toContain(option);
    }
  });

  it('names only CLI flags that --help prints (or that are landing with the CLI work)', () => {
    const help = spawnSync(process.execPath, [join(root, 'bin', 'kmeans-quantizer.js'), '--help'], { cwd: root, encoding: 'utf8' });
    expect(help.status, help.stderr).toBe(0);
    const known = new Set([...help.stdout.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]));
    const named = new Set(rows.flatMap((row) => [...row[1]!.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThan(8);
    const unknown = [...named].filter((flag) => !known.has(flag));
    expect(unknown).toEqual([]);
  });

  it('names only library options that exist (the OPTIONS table)', () => {
    const names = new Set<string>(OPTIONS.map((o) => o.name));
    const used = new Set(rows.flatMap((row) => [...row[2]!.matchAll(/`(\w+): /g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(3);
    expect([...used].filter((name) => !names.has(name))).toEqual([]);
  });
});
