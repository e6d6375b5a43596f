#!/bin/bash
# The WASM walk experiment (bench/README.md, "A WASM colour-tree walk, measured"): installs AssemblyScript
# into bench/out/wasm-walk (not a dependency of the package), compiles walk.ts, transpiles the library's
# colour tree, and times both walks in fresh processes. Needs `npm run build` (for the PNG reader) and the
# bench's images (bench/out/2mp.png and 8mp.png, made by `node bench/process.js`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out="$root/bench/out/wasm-walk"
mkdir -p "$out"
[ -x "$out/node_modules/.bin/asc" ] || npm install --prefix "$out" --no-save --no-audit --no-fund assemblyscript@0.28 >/dev/null
"$out/node_modules/.bin/asc" "$here/walk.ts" -O3 --runtime stub --noAssert -o "$out/walk.wasm"
"$root/node_modules/.bin/tsc" --ignoreConfig --outDir "$out/js" --module esnext --target es2022 --moduleResolution bundler --skipLibCheck --rootDir "$root/src" "$root/src/kmeans/filtering.ts" "$root/src/kmeans/histogram.ts"
for args in "test/fixtures/coffee.png 16" "test/fixtures/coffee.png 64" "bench/out/2mp.png 16" "bench/out/2mp.png 256" "bench/out/8mp.png 256"; do
  set -- $args
  [ -f "$root/$1" ] || { echo "$1 is missing: run node bench/process.js first"; continue; }
  node "$here/measure.mjs" "$out" "$root/$1" "$2" both | sed "s#^#$1 k=$2 #"
  for mode in js wasm js wasm; do node "$here/measure.mjs" "$out" "$root/$1" "$2" $mode | sed "s#^#$1 k=$2 #"; done
done
