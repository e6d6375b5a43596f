#!/usr/bin/env node
// `npm run fuzz -- --runs 10000 [--seed N] [--shrink-seconds S] [--shrink CHECK,...] [--json FILE]`:
// the long fuzz campaign over quantize(), createQuantizer().quantize() with warm starts and
// fitPalette()/applyPalette(), on the library's sources (test/fuzz/, loaded through Vite's module runner,
// as vitest loads them). Prints the counts (cases, resolved, rejected by code, invalid results, over the
// time bound) and one shrunk counterexample per failing check; exits 1 when a check outside
// KNOWN_DEFECTS (test/fuzz/known-defects.ts) failed.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer, createServerModuleRunner } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20261202' },
    'shrink-seconds': { type: 'string', default: '60' },
    shrink: { type: 'string', default: '' },
    json: { type: 'string' },
  },
});

const server = await createServer({
  root: ROOT,
  configFile: false,
  appType: 'custom',
  logLevel: 'error',
  // gifenc is CommonJS without named exports: let Vite transform it, as vitest does.
  ssr: { noExternal: ['gifenc'] },
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
});
const runner = createServerModuleRunner(server.environments.ssr, { hmr: false });
let code = 0;
try {
  const { runCampaign, formatReport } = await runner.import('/test/fuzz/campaign.ts');
  const { isKnownDefect } = await runner.import('/test/fuzz/known-defects.ts');
  const report = await runCampaign({
    runs: Number(values.runs),
    seed: Number(values.seed),
    shrinkSeconds: Number(values['shrink-seconds']),
    shrinkChecks: values.shrink ? values.shrink.split(',') : [],
    log: (line) => process.stderr.write(`fuzz: ${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (Object.keys(report.checks).some((check) => !isKnownDefect(check))) code = 1;
} finally {
  await runner.close();
  await server.close();
}
process.exit(code);
