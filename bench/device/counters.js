/**
 * Counts the WebGPU calls the library makes, whatever its own stats say: submits, buffer mappings and the
 * bytes they map (readbacks), and bytes written with writeBuffer (uploads). Installed on the prototypes
 * before the library runs; `snapshot()` and `since(snapshot)` give one call's counts.
 */
export function installCounters(scope) {
  const totals = { submits: 0, mapAsyncs: 0, readbackBytes: 0, writeBuffers: 0, uploadBytes: 0, computePasses: 0 };
  const wrap = (proto, name, before) => {
    const original = proto?.[name];
    if (typeof original !== 'function') return false;
    proto[name] = function wrapped(...args) {
      before(this, ...args);
      return original.apply(this, args);
    };
    return true;
  };
  const installed = [
    wrap(scope.GPUQueue?.prototype, 'submit', () => { totals.submits++; }),
    wrap(scope.GPUQueue?.prototype, 'writeBuffer', (_queue, _buffer, _offset, data, dataOffset = 0, size) => {
      const unit = data?.BYTES_PER_ELEMENT ?? 1;
      const length = data?.BYTES_PER_ELEMENT ? data.length : data?.byteLength ?? 0;
      totals.writeBuffers++;
      totals.uploadBytes += (size ?? length - dataOffset) * unit;
    }),
    wrap(scope.GPUBuffer?.prototype, 'mapAsync', (buffer, _mode, offset = 0, size) => {
      totals.mapAsyncs++;
      totals.readbackBytes += size ?? buffer.size - offset;
    }),
    wrap(scope.GPUCommandEncoder?.prototype, 'beginComputePass', () => { totals.computePasses++; }),
  ];
  return {
    installed: installed.every(Boolean),
    snapshot: () => ({ ...totals }),
    since: (before) => Object.fromEntries(Object.entries(totals).map(([key, value]) => [key, value - before[key]])),
  };
}
