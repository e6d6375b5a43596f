// Centroid update: one invocation per cluster turns the exact 64-bit sums into the new centroid, keeps
// the old one for an empty cluster (never NaN) and for the first `params.fixed` (fixed colours), and
// clears the sums for the next iteration. The workgroup
// then records the iteration (inertia, largest shift) and raises the `done` flag once the largest shift
// is within tolerance, so that the rest of the batch on the GPU does nothing.

override WORKGROUP_SIZE: u32 = 256u;
override K: u32 = 16u;
override ERROR_SCALE: f32 = 16.0;
override SUM_WORDS: u32 = 8u;
// The sums' fixed point (see fixed_point in nearest-centroid.wgsl): a mean of s steps is s / SUM_STEPS - SUM_OFFSET.
override SUM_STEPS: f32 = 1.0;
override SUM_OFFSET: f32 = 0.0;

struct Params {
  tolerance: f32,
  fixed: u32,
}

@group(0) @binding(0) var<storage, read_write> sums: array<u32>;
@group(0) @binding(1) var<storage, read_write> centroids: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> counts: array<u32>;
@group(0) @binding(3) var<storage, read_write> control: array<u32>;
@group(0) @binding(4) var<storage, read_write> history: array<vec2<f32>>;
@group(0) @binding(5) var<uniform> params: Params;

var<workgroup> largest_shift2: atomic<u32>;
var<workgroup> empty_clusters: atomic<u32>;

fn read64(index: u32) -> f32 {
  return f32(sums[index]) + f32(sums[index + 1u]) * 4294967296.0;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  let frozen = control[0] != 0u;
  var inertia = 0.0;
  if (lid == 0u) {
    atomicStore(&largest_shift2, 0u);
    atomicStore(&empty_clusters, 0u);
    inertia = read64(K * SUM_WORDS) / ERROR_SCALE;
    sums[K * SUM_WORDS] = 0u;
    sums[K * SUM_WORDS + 1u] = 0u;
  }
  workgroupBarrier();
  if (lid < K) {
    let base = lid * SUM_WORDS;
    if (!frozen) {
      let n = read64(base + 6u);
      counts[lid] = sums[base + 6u];
      if (n > 0.0 && lid >= params.fixed) {
        let next = vec3<f32>(read64(base), read64(base + 2u), read64(base + 4u)) / n / SUM_STEPS - SUM_OFFSET;
        let d = next - centroids[lid].xyz;
        atomicMax(&largest_shift2, bitcast<u32>(dot(d, d)));
        centroids[lid] = vec4<f32>(next, 0.0);
      } else if (n == 0.0) {
        atomicAdd(&empty_clusters, 1u);
      }
    }
    for (var w = 0u; w < SUM_WORDS; w++) {
      sums[base + w] = 0u;
    }
  }
  workgroupBarrier();
  if (lid == 0u && !frozen) {
    let shift = sqrt(bitcast<f32>(atomicLoad(&largest_shift2)));
    let recorded = control[1];
    history[recorded] = vec2<f32>(inertia, shift);
    control[1] = recorded + 1u;
    control[2] = atomicLoad(&empty_clusters);
    if (shift <= params.tolerance) {
      control[0] = 1u;
    }
  }
}
