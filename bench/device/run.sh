#!/usr/bin/env bash
# The device check, in one go, on a machine with a GPU and no network (bench/device/README.md): unpacks
# what bench/device/prepare.sh put in .device/ (Node, Dawn, the Vulkan loader), finds a Vulkan driver,
# runs bench/device/measure.js and writes device.json and device.md under $OUT (else bench/device/out/).
#
#   bash bench/device/run.sh            the whole check (at most ~6 minutes; a real GPU should need 1-2)
#   bash bench/device/run.sh --quick    small images, few runs: proves the flow (the test uses it)
# Other arguments go to measure.js (--help lists them). Environment: KMQ_VK_ICD (a Vulkan ICD json to use),
# KMQ_DEVICE_TMP (where to unpack; default /tmp/kmq-device), KMQ_TOTAL_TIMEOUT_S (default 330: measure.js
# starts no measurement after 240 s, and each has its own limit, 120 s at most; --quick: 1800, for
# SwiftShader on a loaded machine).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
prepared=$root/.device
tmp=${KMQ_DEVICE_TMP:-/tmp/kmq-device}
out=${OUT:-$root/bench/device/out}
mkdir -p "$out" "$tmp"
log=$out/device-log.txt
: >"$log"
say() { printf '%s\n' "$*" | tee -a "$log" >&2; }

if [ ! -f "$prepared/manifest.json" ]; then
  say "no .device/: run bash bench/device/prepare.sh on a machine with network first, and carry .device"
  exit 3
fi

unxz_to() { # unxz_to SRC.xz DEST: xz, else Python's lzma
  [ -s "$2" ] && [ "$2" -nt "$1" ] && return 0
  if command -v xz >/dev/null; then xz -dc "$1" >"$2.part"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2.part"
  fi && mv "$2.part" "$2"
}

unpack_deb() { # unpack_deb DEB DIR: dpkg -x, else ar + tar
  if command -v dpkg >/dev/null; then dpkg -x "$1" "$2"; return; fi
  local d; d=$(mktemp -d) && (cd "$d" && ar x "$1" && tar xf data.tar.* -C "$2") ; rm -rf "$d"
}

say "== unpack into $tmp"
unxz_to "$prepared/node.xz" "$tmp/node" && chmod +x "$tmp/node" || { say "could not unpack node"; exit 4; }
mkdir -p "$tmp/webgpu/dist/linux-x64"
cp "$prepared"/webgpu/index.js "$prepared"/webgpu/package.json "$tmp/webgpu/"
unxz_to "$prepared/webgpu/dawn.node.xz" "$tmp/webgpu/dist/linux-x64/dawn.node" || { say "could not unpack dawn.node"; exit 4; }
say "node $("$tmp/node" --version)"

libs=()
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  mkdir -p "$tmp/vk"
  for deb in "$prepared"/debs/*.deb; do unpack_deb "$deb" "$tmp/vk"; done
  libs+=("$tmp/vk/usr/lib/x86_64-linux-gnu")
  say "Vulkan loader: carried ($(basename "$prepared"/debs/libvulkan1_*.deb))"
else
  say "Vulkan loader: the system's"
fi
# dawn.node needs GLIBCXX_3.4.30 (GCC 12's libstdc++): the carried one where the machine's is older.
cxx=$(ldconfig -p 2>/dev/null | grep -m1 'libstdc++.so.6 ' | sed 's/.*=> //')
if [ "${KMQ_CARRIED_CXX:-}" = 1 ] || [ -z "$cxx" ] || ! grep -q GLIBCXX_3.4.30 "$cxx" 2>/dev/null; then
  mkdir -p "$tmp/cxx"
  for deb in "$prepared"/debs-cxx/*.deb; do [ -f "$deb" ] && unpack_deb "$deb" "$tmp/cxx"; done
  libs+=("$tmp/cxx/usr/lib/x86_64-linux-gnu")
  say "C++ runtime: carried (KMQ_CARRIED_CXX=${KMQ_CARRIED_CXX:-}; the machine's: ${cxx:-none})"
fi
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && libs+=("$d"); done
if [ ${#libs[@]} -gt 0 ]; then
  LD_LIBRARY_PATH=$(IFS=:; echo "${libs[*]}")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export LD_LIBRARY_PATH
fi

# The Vulkan driver: KMQ_VK_ICD, else NVIDIA's where the device README says it is, else the loader's own search.
icd=${KMQ_VK_ICD:-}
if [ -z "$icd" ]; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$f" ] && { icd=$f; break; }
  done
fi
if [ -n "$icd" ]; then
  export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
  say "Vulkan driver: $icd"
  [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] &&
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
else
  say "Vulkan driver: none named; the loader searches its default places"
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader >"$tmp/nvidia-smi.txt" 2>&1

probe() { KMQ_WEBGPU="$tmp/webgpu/index.js" timeout 40 "$tmp/node" "$root/bench/device/probe.js" 2>>"$log"; }
hardware() { case "$1" in *'"isFallbackAdapter":false'*) return 0 ;; *) return 1 ;; esac; }
found=$(probe)
say "adapter: $found"
# A GPU is there but Dawn sees none (or only a software one): the device README's way, the loader
# unpacked into / and ldconfig, then once more with the loader's own driver search.
if ! hardware "$found" && [ -s "$tmp/nvidia-smi.txt" ] && [ "${KMQ_NO_SYSTEM_LOADER:-}" != 1 ]; then
  say "no hardware adapter: unpacking the Vulkan loader into / (ldconfig) and trying again"
  for deb in "$prepared"/debs/*.deb; do unpack_deb "$deb" /; done
  ldconfig 2>/dev/null
  found=$(probe)
  say "adapter: $found"
  if ! hardware "$found"; then
    unset VK_DRIVER_FILES VK_ICD_FILENAMES
    found=$(VK_LOADER_DEBUG=error,warn probe)
    say "adapter (the loader's own driver search): $found"
  fi
fi
printf '%s\n' "$found" >"$tmp/probe.json"

total_default=330
for a in "$@"; do [ "$a" = --quick ] && total_default=1800; done
say "== measure (device.json and device.md in $out)"
KMQ_WEBGPU="$tmp/webgpu/index.js" KMQ_DIST="$prepared/app/dist" KMQ_NVIDIA_SMI="$tmp/nvidia-smi.txt" \
  KMQ_MANIFEST="$prepared/manifest.json" KMQ_PROBE="$tmp/probe.json" \
  timeout -k 10 "${KMQ_TOTAL_TIMEOUT_S:-$total_default}" "$tmp/node" "$root/bench/device/measure.js" --out "$out" "$@" 2>&1 | tee -a "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -gt 128 ] && [ "$rc" -lt 160 ] && grep -q '"exitCode": [01]' "$out/device.json" 2>/dev/null; then
  say "node died of signal $((rc - 128)) after writing its report; exiting with the report's code"
  rc=$(grep -o '"exitCode": [01]' "$out/device.json" | grep -o '[01]$')
fi
say "== done (exit $rc)"
exit "$rc"
