// The picture-quality part of `npm run bench` (issue 12's targets), called by bench/run.js. Ours runs as a
// user runs it, through the CLI (PNG-8 written); pngquant in its default (dithered) form and with --nofs;
// every written PNG is decoded with pngjs and measured against the input: butteraugli max distance, mean
// CIEDE2000 (the library's qualityReport), MSE, PNG-8 size. Then the cost of dithering and OKLab at 2 MP
// (in-process library calls, bench/quality-cost.js), the alpha case (a photo with a soft alpha falloff and
// a half-transparent band, composited over black and white) and the defaults-unchanged check. A failing
// variant is recorded with its reason and the rest still runs. See bench/README.md, "Picture quality".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alphaTestImage, butteraugli, centreCrop, compositeMse, mseRgb, pngBytes, pngInfo, readPngRgba, sha12 } from './quality-metrics.js';
import { evaluateQualityTargets } from './quality-targets.js';

/** The shipped sample photos (../shared/images); the 8 MP upscale of coffee is bench/out/8mp.png. */
export const QUALITY_IMAGES = ['coffee.png', 'chelsea.png', 'rocket.jpg', 'hubble_deep_field.jpg'];
/** The 8 MP crop butteraugli measures in the sampled mode (its max distance there, not over the image). */
export const SAMPLE_CROP = 1024;

/** The outputs compared. `cli` args follow the input and `-k K -o OUT`; `%cs` is the colour-space flag. */
export const VARIANTS = [
  { id: 'srgb-none', label: 'ours default (srgb, no dither)', tool: 'ours', args: [] },
  { id: 'oklab-none', label: 'ours oklab, no dither', tool: 'ours', args: ['%cs', 'oklab', '--dither', 'none'], sameAs: 'srgb-none' },
  { id: 'oklab-diffusion', label: 'ours oklab + diffusion', tool: 'ours', args: ['%cs', 'oklab', '--dither', 'diffusion'], sameAs: 'oklab-none' },
  { id: 'pq', label: 'pngquant default (dithered)', tool: 'pngquant', args: [] },
  { id: 'pq-nofs', label: 'pngquant --nofs', tool: 'pngquant', args: ['--nofs'] },
];

function firstLine(text) {
  return String(text ?? '').trim().split('\n').filter(Boolean).at(-1)?.slice(0, 240) ?? '';
}

function exec(command, args, timeoutS) {
  const started = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  return { ok: r.status === 0 && !r.error, seconds: (performance.now() - started) / 1000, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut: r.error?.code === 'ETIMEDOUT', status: r.status };
}

/** What the CLI under test offers: the colour-space flag (the issue's `--colour-space`, else `--color-space`), `--dither`. */
function cliFlags(cli) {
  const help = exec(process.execPath, [cli, '--help'], 30).stdout;
  const colourSpace = /--colour-space\b/.test(help) ? '--colour-space' : /--color-space\b/.test(help) ? '--color-space' : undefined;
  return { colourSpace, dither: /--dither\b/.test(help) };
}

/** The inputs as RGB PNGs in `dir` (JPEGs decoded by the library's reader, as the CLI reads them), decoded. */
async function prepareInputs(ctx, dir) {
  const { readImage } = await import(`file://${join(ctx.dist, 'node.js')}`);
  const inputs = [];
  for (const name of ctx.imageNames) {
    const source = name === '8mp' ? ctx.eightMpPath : join(ctx.sharedImages, QUALITY_IMAGES.find((f) => f.startsWith(`${name}.`)) ?? name);
    if (!source || !existsSync(source)) {
      ctx.log(`[quality] ${name}: no input (${source ?? 'the 8mp upscale was not made'}); skipping it`);
      continue;
    }
    const path = join(dir, `${name}.png`);
    if (!existsSync(path) || statSync(path).mtimeMs < statSync(source).mtimeMs) {
      const image = await readImage(source);
      writeFileSync(path, pngBytes({ data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height }, { rgb: true }));
    }
    const decoded = readPngRgba(path);
    inputs.push({ name, source, path, decoded, megapixels: (decoded.width * decoded.height) / 1e6 });
  }
  return inputs;
}

/** A tool's last stderr line with the file names shortened to IN.png / OUT.png, so that messages group. */
function reason(stderr, input, output) {
  return firstLine(stderr).replaceAll(output, 'OUT.png').replaceAll(input, 'IN.png');
}

/** Runs one variant on `input` at k, writing `output`; resolves to { seconds } or { error }. */
function runVariant(ctx, variant, input, k, output) {
  if (variant.tool === 'pngquant') {
    if (!ctx.tools.pngquant.ok) return { error: ctx.tools.pngquant.note };
    const r = exec('pngquant', [...variant.args, String(k), '--force', '--output', output, '--', input], ctx.timeoutS);
    return r.ok && existsSync(output) ? { seconds: r.seconds } : { error: `pngquant exit ${r.status}${r.timedOut ? ' (timed out)' : ''}: ${reason(r.stderr, input, output)}` };
  }
  if (variant.args.includes('%cs') && !ctx.flags.colourSpace) return { error: 'the CLI has no --colour-space / --color-space option' };
  if (variant.args.includes('--dither') && !ctx.flags.dither) return { error: 'the CLI has no --dither option' };
  const args = variant.args.map((a) => (a === '%cs' ? ctx.flags.colourSpace : a));
  const r = exec(process.execPath, [ctx.cli, input, '-k', String(k), '-o', output, ...args], ctx.timeoutS);
  return r.ok && existsSync(output) ? { seconds: r.seconds, args } : { error: `CLI ${args.join(' ') || '(defaults)'}: exit ${r.status}${r.timedOut ? ' (timed out)' : ''}: ${reason(r.stderr, input, output)}`, args };
}

/** Butteraugli on the whole image, or in the sampled mode on the centre crop of both (written to `dir`). */
function butteraugliOf(ctx, input, output, decoded, dir) {
  if (!ctx.tools.butteraugli.ok) return { error: ctx.tools.butteraugli.note };
  if (input.name !== '8mp' || ctx.eightMp === 'full') return butteraugli(input.path, output, ctx.timeoutS);
  const refCrop = join(dir, `8mp-crop${SAMPLE_CROP}.png`);
  if (!existsSync(refCrop)) writeFileSync(refCrop, pngBytes(centreCrop(input.decoded, SAMPLE_CROP, SAMPLE_CROP), { rgb: true }));
  const outCrop = `${output.slice(0, -4)}-crop${SAMPLE_CROP}.png`;
  writeFileSync(outCrop, pngBytes(centreCrop(decoded, SAMPLE_CROP, SAMPLE_CROP), { rgb: true }));
  return { ...butteraugli(refCrop, outCrop, ctx.timeoutS), sampled: `centre ${SAMPLE_CROP}x${SAMPLE_CROP} crop` };
}

/** Measures one written PNG against its input. */
async function measure(ctx, input, output, dir) {
  const bytes = readFileSync(output);
  const decoded = readPngRgba(output);
  const row = { bytes: bytes.length, png: pngInfo(bytes), pixelsHash: sha12(decoded.data), mse: mseRgb(input.decoded.data, decoded.data) };
  const report = await ctx.lib.qualityReport(input.decoded, decoded);
  row.deltaE = report.deltaE.mean;
  row.ssim = report.ssim;
  const b = butteraugliOf(ctx, input, output, decoded, dir);
  if (b.error) row.butteraugliError = b.error;
  else Object.assign(row, { butteraugli: b.distance, butteraugliSeconds: b.seconds, butteraugliSampled: b.sampled });
  return row;
}

/** Every variant on every input and k. */
async function opaqueRows(ctx, inputs, dir) {
  const rows = [];
  for (const input of inputs) {
    for (const k of ctx.ks) {
      for (const variant of VARIANTS) {
        const output = join(dir, `${input.name}-k${k}-${variant.id}.png`);
        ctx.log(`[quality] ${input.name} k=${k} ${variant.label}`);
        const row = { image: input.name, k, variant: variant.id, megapixels: input.megapixels };
        const ran = runVariant(ctx, variant, input.path, k, output);
        if (ran.error) row.error = ran.error;
        else Object.assign(row, { seconds: ran.seconds, args: ran.args }, await measure(ctx, input, output, dir));
        const same = rows.find((r) => r.image === input.name && r.k === k && r.variant === variant.sameAs);
        if (!row.error && same?.pixelsHash === row.pixelsHash) {
          row.error = `${ran.args.join(' ')}: output identical to "${VARIANTS.find((v) => v.id === variant.sameAs).label}" (not acted on)`;
        }
        ctx.log(row.error ? `      ERROR ${row.error}` : `      butteraugli ${row.butteraugli?.toFixed(3) ?? row.butteraugliError}, dE2000 ${row.deltaE.toFixed(3)}, ${row.bytes} B`);
        rows.push(row);
      }
    }
  }
  return rows;
}

/** scikit-image's mean CIEDE2000 for coffee's outputs: a check of the library's figures, no target. */
function crossCheck(ctx, rows, inputs, dir) {
  const coffee = inputs.find((i) => i.name === 'coffee');
  if (!coffee) return { status: 'skipped', note: 'coffee not among the images' };
  if (!ctx.tools.skimage.ok) return { status: 'missing', note: ctx.tools.skimage.note };
  const measured = rows.filter((r) => r.image === 'coffee' && r.deltaE !== undefined);
  const files = measured.map((r) => join(dir, `coffee-k${r.k}-${r.variant}.png`));
  const r = exec(ctx.python, [join(ctx.root, 'bench', 'de2000.py'), coffee.path, ...files], ctx.timeoutS);
  const values = r.ok ? JSON.parse(r.stdout.trim().split('\n').at(-1)) : undefined;
  if (!values) return { status: 'failed', note: firstLine(r.stderr) };
  const pairs = measured.map((row, i) => ({ k: row.k, variant: row.variant, ours: row.deltaE, skimage: values[i] }));
  const maxRelative = Math.max(...pairs.map((p) => Math.abs(p.ours - p.skimage) / p.skimage));
  return { status: 'measured', pairs, maxRelative, seconds: r.seconds };
}

/** The alpha case on coffee: ours (default, and oklab + diffusion) and pngquant (both forms). */
async function alphaRows(ctx, dir) {
  const coffee = join(ctx.sharedImages, 'coffee.png');
  if (!existsSync(coffee)) return { rows: [], note: `${coffee} missing` };
  const image = alphaTestImage(readPngRgba(coffee));
  const path = join(dir, 'coffee-alpha.png');
  writeFileSync(path, pngBytes(image));
  const rows = [];
  for (const k of ctx.alphaKs) {
    for (const variant of VARIANTS.filter((v) => v.id !== 'oklab-none')) {
      const output = join(dir, `coffee-alpha-k${k}-${variant.id}.png`);
      ctx.log(`[quality] alpha k=${k} ${variant.label}`);
      const row = { image: 'coffee-alpha', k, variant: variant.id };
      const ran = runVariant(ctx, variant, path, k, output);
      if (ran.error) row.error = ran.error;
      else {
        const bytes = readFileSync(output);
        const decoded = readPngRgba(output);
        const overBlack = compositeMse(image.data, decoded.data, 0);
        const overWhite = compositeMse(image.data, decoded.data, 255);
        Object.assign(row, { bytes: bytes.length, png: pngInfo(bytes), pixelsHash: sha12(decoded.data), overBlack, overWhite, meanMse: (overBlack + overWhite) / 2 });
        row.alphaLevels = new Set(decoded.data.filter((_, i) => i % 4 === 3)).size;
      }
      const same = rows.find((r) => r.k === k && r.variant === 'srgb-none');
      if (variant.id === 'oklab-diffusion' && !row.error && same?.pixelsHash === row.pixelsHash) row.error = `${ran.args.join(' ')}: output identical to ours default (not acted on)`;
      ctx.log(row.error ? `      ERROR ${row.error}` : `      composited MSE ${row.meanMse.toFixed(3)}, tRNS ${row.png.tRNS}, ${row.bytes} B`);
      rows.push(row);
    }
  }
  return { rows, image: { width: image.width, height: image.height, path } };
}

/** Dithering and OKLab cost at 2 MP, one fresh process per k. */
function costRows(ctx) {
  if (!ctx.twoMpPath || !existsSync(ctx.twoMpPath)) return [{ error: 'no 2mp image' }];
  return ctx.costKs.map((k) => {
    ctx.log(`[quality] cost at 2 MP, k=${k}: ${ctx.costRounds} alternating rounds of quantize() per variant (after 4 warm-up rounds)`);
    const r = exec(process.execPath, [join(ctx.root, 'bench', 'quality-cost.js'), ctx.twoMpPath, String(k), String(ctx.costRounds)], ctx.timeoutS * 3);
    const json = r.ok ? JSON.parse(r.stdout.trim().split('\n').at(-1)) : undefined;
    return json ? { k, seconds: r.seconds, ...json } : { k, error: `quality-cost failed: ${firstLine(r.stderr)}` };
  });
}

/** The library's 14 fingerprinted configurations on coffee against bench/fingerprint-ref.txt. */
function fingerprintCheck(ctx) {
  const ref = join(ctx.root, 'bench', 'fingerprint-ref.txt');
  const r = exec(process.execPath, [join(ctx.root, 'bench', 'fingerprint.js'), `file://${ctx.dist}/`], ctx.timeoutS);
  if (!r.ok) return { error: `fingerprint.js failed: ${firstLine(r.stderr)}` };
  const want = readFileSync(ref, 'utf8').trim().split('\n');
  const got = r.stdout.trim().split('\n');
  const differing = want.filter((line, i) => got[i] !== line).map((line) => line.split(':')[0]);
  return { lines: want.length, differing: got.length === want.length ? differing : ['(line count)'], seconds: r.seconds };
}

/** Reads bench/quality-ref.json (the default output before issue 12), or writes it from this run's rows. */
function defaultsReference(ctx, rows, inputs) {
  const path = join(ctx.root, 'bench', 'quality-ref.json');
  const current = Object.fromEntries(rows.filter((r) => r.variant === 'srgb-none' && !r.error).map((r) => [`${r.image} k${r.k}`, { mse: r.mse, pixelsHash: r.pixelsHash }]));
  const inputsHash = Object.fromEntries(inputs.map((i) => [i.name, sha12(i.decoded.data)]));
  if (ctx.writeRef) {
    writeFileSync(path, `${JSON.stringify({ about: 'ours default (srgb, no dither) CLI output per image and k: MSE and decoded-pixel hash; written by `node bench/run.js --quality-only --write-quality-ref`', commit: ctx.commit, inputs: inputsHash, outputs: current }, null, 2)}\n`);
    ctx.log(`[quality] wrote ${path}`);
  }
  return existsSync(path) ? { path, ...JSON.parse(readFileSync(path, 'utf8')), inputsNow: inputsHash } : { path, missing: true };
}

/** The whole section. `ctx` comes from bench/run.js (see there); resolves to its figures and targets. */
export async function qualitySection(ctx) {
  const dir = join(ctx.out, 'quality');
  mkdirSync(dir, { recursive: true });
  ctx.cli = join(ctx.dist, 'cli.js');
  ctx.lib = await import(`file://${join(ctx.dist, 'index.node.js')}`);
  ctx.flags = cliFlags(ctx.cli);
  const seconds = {};
  const timed = async (name, fn) => {
    const started = performance.now();
    const value = await fn();
    seconds[name] = (performance.now() - started) / 1000;
    return value;
  };
  const inputs = await timed('inputs', () => prepareInputs(ctx, dir));
  const rows = await timed('opaque', () => opaqueRows(ctx, inputs, dir));
  const skimage = await timed('crossCheck', () => crossCheck(ctx, rows, inputs, dir));
  const alpha = await timed('alpha', () => alphaRows(ctx, dir));
  const cost = await timed('cost', () => costRows(ctx));
  const fingerprint = await timed('fingerprint', () => fingerprintCheck(ctx));
  const reference = defaultsReference(ctx, rows, inputs);
  const section = { flags: ctx.flags, eightMp: ctx.eightMp, ks: ctx.ks, inputs: inputs.map(({ name, source, megapixels }) => ({ name, source, megapixels })), rows, skimage, alpha, cost, fingerprint, reference, seconds };
  section.targets = evaluateQualityTargets(section);
  return section;
}
