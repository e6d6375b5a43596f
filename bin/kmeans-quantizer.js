#!/usr/bin/env node
// Launcher of the kmeans-quantizer CLI. The code is src/cli.ts, built into dist/cli.js by `npm run build`.
// The published package ships dist/; a checkout builds it (there is no `prepare` script: npm warns every
// consumer's install of a package that has one).
import { existsSync } from 'node:fs';

const cliUrl = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cliUrl)) {
  process.stderr.write('kmeans-quantizer: dist/cli.js is missing; in a checkout, run `npm install` and then `npm run build`\n');
  process.exitCode = 1;
} else {
  try {
    const { main } = await import(cliUrl.href);
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`kmeans-quantizer: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exitCode = 1;
  }
}
