// Issue 12's targets over the figures of bench/quality.js, and its tables (markdown). Each target row:
// { target, image, k, measured, threshold, result: PASS | FAIL | ERROR | n/a, note }. ERROR: our variant
// failed or did not do what it was asked (its reason in the note); n/a: a peer or the reference is missing.

/** The thresholds of the issue. */
export const QUALITY_TARGETS = { pngSizeRatio: 1.25, ditherCost: 1.3, oklabCost: 1.3 };

const LABELS = {
  'srgb-none': 'ours default',
  'oklab-none': 'ours oklab',
  'oklab-diffusion': 'ours oklab+diffusion',
  pq: 'pngquant default',
  'pq-nofs': 'pngquant --nofs',
};

function fmt(x, digits = 3) {
  return x === undefined || x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

function row(target, image, k, measured, threshold, result, note = '') {
  return { target, image, k, measured, threshold, result, note };
}

/** `ours <= peer` on `metric` of two rows; ERROR when ours failed, n/a when the peer or the metric is missing. */
function atMost(target, ours, peer, metric, digits) {
  const { image, k } = ours;
  if (ours.error) return row(target, image, k, '-', '<= peer', 'ERROR', ours.error);
  if (peer.error) return row(target, image, k, '-', '<= peer', 'n/a', peer.error);
  const a = ours[metric];
  const b = peer[metric];
  if (a === undefined || b === undefined) return row(target, image, k, '-', '<= peer', 'n/a', ours[`${metric}Error`] ?? peer[`${metric}Error`] ?? `no ${metric}`);
  const note = ours.butteraugliSampled && metric === 'butteraugli' ? `butteraugli on the ${ours.butteraugliSampled}` : '';
  return row(target, image, k, `${fmt(a, digits)} vs ${fmt(b, digits)}`, '<= peer', a <= b ? 'PASS' : 'FAIL', note);
}

function pictureTargets(rows) {
  const out = [];
  const find = (image, k, variant) => rows.find((r) => r.image === image && r.k === k && r.variant === variant);
  for (const r of rows.filter((x) => x.variant === 'srgb-none')) {
    const dithered = find(r.image, r.k, 'oklab-diffusion');
    const plain = find(r.image, r.k, 'oklab-none');
    const pq = find(r.image, r.k, 'pq');
    const nofs = find(r.image, r.k, 'pq-nofs');
    out.push(atMost('(a) oklab+diffusion butteraugli <= pngquant default', dithered, pq, 'butteraugli', 3));
    out.push(atMost('(a) oklab+diffusion mean dE2000 <= pngquant default', dithered, pq, 'deltaE', 3));
    out.push(atMost('(b) oklab butteraugli <= pngquant --nofs', plain, nofs, 'butteraugli', 3));
    out.push(atMost('(b) oklab mean dE2000 <= pngquant --nofs', plain, nofs, 'deltaE', 3));
    const sizeTarget = `(d) PNG-8 bytes, oklab+diffusion <= ${QUALITY_TARGETS.pngSizeRatio}x pngquant default`;
    const threshold = `<= ${QUALITY_TARGETS.pngSizeRatio}x`;
    if (dithered.error) out.push(row(sizeTarget, r.image, r.k, '-', threshold, 'ERROR', dithered.error));
    else if (pq.error) out.push(row(sizeTarget, r.image, r.k, '-', threshold, 'n/a', pq.error));
    else {
      const ratio = dithered.bytes / pq.bytes;
      out.push(row(sizeTarget, r.image, r.k, `${fmt(ratio, 2)}x (${dithered.bytes} vs ${pq.bytes} B)`, threshold, ratio <= QUALITY_TARGETS.pngSizeRatio ? 'PASS' : 'FAIL'));
    }
  }
  return out;
}

function defaultsTargets(section) {
  const { rows, reference, fingerprint } = section;
  const target = '(c) defaults unchanged: MSE and pixels as before';
  const out = [];
  for (const r of rows.filter((x) => x.variant === 'srgb-none')) {
    const ref = reference.outputs?.[`${r.image} k${r.k}`];
    if (r.error) out.push(row(target, r.image, r.k, '-', 'identical', 'ERROR', r.error));
    else if (!ref) out.push(row(target, r.image, r.k, `MSE ${r.mse}`, 'identical', 'n/a', `no entry in ${reference.missing ? 'bench/quality-ref.json (missing)' : 'bench/quality-ref.json'}`));
    else if (reference.inputs?.[r.image] !== reference.inputsNow[r.image]) out.push(row(target, r.image, r.k, `MSE ${r.mse}`, 'identical', 'n/a', 'the input differs from the reference run\'s'));
    else {
      const same = r.mse === ref.mse && r.pixelsHash === ref.pixelsHash;
      out.push(row(target, r.image, r.k, `MSE ${r.mse} vs ${ref.mse}; pixels ${r.pixelsHash} vs ${ref.pixelsHash}`, 'identical', same ? 'PASS' : 'FAIL', `reference from ${reference.commit}`));
    }
  }
  const fpTarget = '(c) defaults unchanged: bench/fingerprint.js = bench/fingerprint-ref.txt';
  if (fingerprint.error) out.push(row(fpTarget, 'coffee', '-', '-', 'identical', 'ERROR', fingerprint.error));
  else {
    const note = fingerprint.differing.length ? `differ: ${fingerprint.differing.join(', ')}` : '';
    out.push(row(fpTarget, 'coffee', '-', `${fingerprint.lines - fingerprint.differing.length} of ${fingerprint.lines} configurations identical`, 'identical', fingerprint.differing.length ? 'FAIL' : 'PASS', note));
  }
  return out;
}

/** Why a cost variant cannot be compared (it failed, or its result shows it did not do what was asked). */
function costProblem(v, base) {
  if (v.error) return v.error;
  if (v.dither !== 'none' && !v.result.ditheredOn) return 'result.ditheredOn missing: the dithering did not run';
  if (v.colorSpace === 'oklab' && base && v.result.labelsHash === base.result.labelsHash && v.dither === 'none') return 'labels identical to srgb\'s: OKLab not acted on';
  return undefined;
}

function costTargets(cost) {
  const out = [];
  for (const c of cost) {
    if (c.error) {
      out.push(row('(e) cost at 2 MP', '2mp', c.k ?? '-', '-', '-', 'ERROR', c.error));
      continue;
    }
    const base = c.variants.find((v) => v.name === 'srgb/none');
    for (const [name, what, limit] of [['srgb/diffusion', 'dithering (diffusion)', QUALITY_TARGETS.ditherCost], ['oklab/none', 'OKLab', QUALITY_TARGETS.oklabCost]]) {
      const v = c.variants.find((x) => x.name === name);
      const target = `(e) ${what} adds <= ${Math.round((limit - 1) * 100)}% at 2 MP`;
      const threshold = `<= ${limit.toFixed(2)}x`;
      const problem = base.error ? `srgb/none: ${base.error}` : costProblem(v, base);
      if (problem) out.push(row(target, '2mp', c.k, '-', threshold, 'ERROR', problem));
      else {
        const ratio = v.medianMs / base.medianMs;
        out.push(row(target, '2mp', c.k, `${fmt(ratio, 2)}x (${fmt(v.medianMs, 1)} vs ${fmt(base.medianMs, 1)} ms)`, threshold, ratio <= limit ? 'PASS' : 'FAIL', `median of ${c.rounds} alternating rounds, quantize() in-process`));
      }
    }
  }
  return out;
}

function alphaTargets(alpha) {
  const out = [];
  const pairs = [['srgb-none', 'pq-nofs'], ['oklab-diffusion', 'pq']];
  for (const k of [...new Set(alpha.rows.map((r) => r.k))]) {
    const find = (variant) => alpha.rows.find((r) => r.k === k && r.variant === variant);
    for (const [mine, theirs] of pairs) {
      const target = `(f) alpha: composited MSE, ${LABELS[mine]} <= ${LABELS[theirs]}`;
      const ours = find(mine);
      const r = atMost(target, ours, find(theirs), 'meanMse', 3);
      if (r.result !== 'ERROR' && r.result !== 'n/a') r.note = `over black ${fmt(ours.overBlack)}, over white ${fmt(ours.overWhite)}`;
      out.push({ ...r, image: 'coffee-alpha' });
      const keeps = `(f) alpha: ${LABELS[mine]} PNG-8 keeps alpha (tRNS)`;
      if (ours.error) out.push(row(keeps, 'coffee-alpha', k, '-', 'PNG-8 + tRNS', 'ERROR', ours.error));
      else {
        const ok = ours.png.colourType === 3 && ours.png.tRNS && ours.alphaLevels > 1;
        out.push(row(keeps, 'coffee-alpha', k, `colour type ${ours.png.colourType}, tRNS ${ours.png.tRNS ? `${ours.png.tRNSEntries} entries` : 'absent'}, ${ours.alphaLevels} alpha levels decoded`, 'PNG-8 + tRNS', ok ? 'PASS' : 'FAIL'));
      }
    }
  }
  if (!alpha.rows.length) out.push(row('(f) alpha', 'coffee-alpha', '-', '-', '-', 'n/a', alpha.note ?? 'not run'));
  return out;
}

/** Every target of issue 12, in the issue's order (a) to (f). */
export function evaluateQualityTargets(section) {
  const all = [...pictureTargets(section.rows), ...defaultsTargets(section), ...costTargets(section.cost), ...alphaTargets(section.alpha)];
  return all.sort((x, y) => x.target.slice(0, 3).localeCompare(y.target.slice(0, 3)));
}

// -------------------------------------------------------------------------------------------- tables

function mdTable(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map((c) => String(c ?? '-').replaceAll('|', '\\|')).join(' | ')} |`);
  return lines.join('\n');
}

/** Distinct error messages, numbered, so that table cells can say E1, E2... */
function errorIndex(rows) {
  const messages = [...new Set(rows.filter((r) => r.error).map((r) => r.error))];
  return { ref: (r) => `E${messages.indexOf(r.error) + 1}`, legend: messages.map((m, i) => `E${i + 1}: ${m}`).join('; ') };
}

function pictureTable(section) {
  const order = ['oklab-diffusion', 'pq', 'oklab-none', 'pq-nofs', 'srgb-none'];
  const errors = errorIndex(section.rows);
  const keys = [...new Set(section.rows.map((r) => `${r.image}\t${r.k}`))];
  const cell = (r) => (r.error ? errors.ref(r) : `${fmt(r.butteraugli, 2)}${r.butteraugliSampled ? '*' : ''} / ${fmt(r.deltaE, 3)} / ${(r.bytes / 1024).toFixed(1)}`);
  const table = mdTable(['image', 'k', ...order.map((v) => LABELS[v])], keys.map((key) => {
    const [image, k] = key.split('\t');
    return [image, k, ...order.map((v) => cell(section.rows.find((r) => r.image === image && String(r.k) === k && r.variant === v)))];
  }));
  const sampled = section.rows.some((r) => r.butteraugliSampled) ? ` *: butteraugli on the 8mp image's centre ${section.rows.find((r) => r.butteraugliSampled).butteraugliSampled.replace('centre ', '')} only.` : '';
  return `#### Picture quality: butteraugli max distance / mean CIEDE2000 / PNG-8 KB (lower is better)\n\n${table}\n\n${errors.legend ? `Errors: ${errors.legend}.` : ''}${sampled}`;
}

function otherTables(section) {
  const parts = [];
  const { skimage, alpha, cost } = section;
  if (skimage.status === 'measured') {
    parts.push(`#### Mean CIEDE2000 on coffee: the library's qualityReport against scikit-image (largest relative difference ${fmt(skimage.maxRelative * 100, 2)}%)`);
    parts.push(mdTable(['k', 'output', 'library', 'scikit-image'], skimage.pairs.map((p) => [p.k, LABELS[p.variant], fmt(p.ours, 4), fmt(p.skimage, 4)])));
  } else parts.push(`#### CIEDE2000 cross-check: ${skimage.note}`);
  const aErrors = errorIndex(alpha.rows);
  parts.push('#### Alpha: coffee with a radial alpha falloff and a half-transparent band; MSE over R, G, B composited over black / white');
  parts.push(mdTable(['k', 'output', 'over black', 'over white', 'mean', 'colour type', 'tRNS entries', 'alpha levels', 'bytes'], alpha.rows.map((r) => (r.error
    ? [r.k, LABELS[r.variant], aErrors.ref(r), '', '', '', '', '', '']
    : [r.k, LABELS[r.variant], fmt(r.overBlack), fmt(r.overWhite), fmt(r.meanMse), r.png.colourType, r.png.tRNS ? r.png.tRNSEntries : 'none', r.alphaLevels, r.bytes]))));
  if (aErrors.legend) parts.push(`Errors: ${aErrors.legend}.`);
  parts.push('#### Cost at 2 MP: quantize() in-process, backend cpu, seed 0; median ms of alternating rounds (after 4 warm-up rounds)');
  const costRowsMd = [];
  for (const c of cost) {
    if (c.error) costRowsMd.push([c.k ?? '-', c.error, '', '', '', '']);
    else {
      const base = c.variants.find((v) => v.name === 'srgb/none');
      for (const v of c.variants) {
        costRowsMd.push([c.k, v.name, v.error ? '-' : fmt(v.medianMs, 1), v.error ? '-' : v.ms.map((x) => x.toFixed(0)).join(' / '),
          v.error || base.error ? '-' : `${fmt(v.medianMs / base.medianMs, 2)}x`, v.error ?? costProblem(v, base) ?? `ditheredOn ${v.result.ditheredOn ?? '-'}, MSE ${fmt(v.result.mse)}`]);
      }
    }
  }
  parts.push(mdTable(['k', 'variant', 'median ms', 'rounds ms', 'vs srgb/none', 'note'], costRowsMd));
  return parts.join('\n\n');
}

/** One line per target of issue 12: how many of its rows PASS, FAIL, ERROR or are n/a (markdown). */
export function qualitySummary(targets) {
  const names = [...new Set(targets.map((t) => t.target))];
  const count = (name, result) => targets.filter((t) => t.target === name && t.result === result).length;
  const rows = names.map((name) => [name, count(name, 'PASS'), count(name, 'FAIL'), count(name, 'ERROR'), count(name, 'n/a'),
    targets.find((t) => t.target === name && t.result !== 'PASS')?.note ?? '']);
  return `#### Issue 12 targets, summary (rows per target; the first row that did not pass says why)\n\n${mdTable(['target', 'PASS', 'FAIL', 'ERROR', 'n/a', 'first reason'], rows)}`;
}

/** The section's tables and its timing line (markdown). */
export function renderQuality(section) {
  const s = section.seconds;
  const total = Object.values(s).reduce((a, b) => a + b, 0);
  const flags = `CLI flags used: ${section.flags.colourSpace ?? '(no colour-space flag)'}${section.flags.dither ? ', --dither' : ', (no --dither)'}`;
  const time = `quality section ${total.toFixed(0)} s: inputs ${s.inputs.toFixed(0)}, outputs and metrics ${s.opaque.toFixed(0)}, scikit-image check ${s.crossCheck.toFixed(0)}, alpha ${s.alpha.toFixed(0)}, cost ${s.cost.toFixed(0)}, fingerprint ${s.fingerprint.toFixed(0)} s`;
  return [`### Picture quality (issue 12; k ${section.ks.join(', ')}; 8mp butteraugli: ${section.eightMp}; ${flags}; ${time})`, qualitySummary(section.targets), pictureTable(section), otherTables(section)].join('\n\n');
}
