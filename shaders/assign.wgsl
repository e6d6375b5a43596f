// Nearest-centroid assignment fused with per-workgroup partial sums.
//
// Each invocation takes PIXELS_PER_INVOCATION consecutive packed RGBA8 pixels. In accumulate mode it adds
// every pixel to its cluster's sums in workgroup memory (two 16-bit sums packed per u32: exact, since a
// workgroup holds at most 256 pixels of at most 255), then one invocation per cluster adds the workgroup's
// totals to the global 64-bit sums (lo/hi u32 pairs with carry). WGSL has no float atomics; integer sums
// are exact for any image size. In label mode it writes four 8-bit labels per u32 instead.
//
// With OKLAB each pixel is converted to its OKLab point (shaders/oklab.wgsl, prepended) and measured
// there; its sums are the fixed-point points (see fixed_point: below 2^21 each, so a workgroup's 256 fit
// a u32), one u32 per channel in workgroup memory (red_green, blue_count, then oklab_sums: the third
// channel's and the counts), then the same global 64-bit sums.

override WORKGROUP_SIZE: u32 = 64u;
override PIXELS_PER_INVOCATION: u32 = 4u;
override K: u32 = 16u;
override ACCUMULATE: bool = true;
override ERROR_SCALE: f32 = 16.0;
override SUM_WORDS: u32 = 8u;
override OKLAB: bool = false;
// Words of oklab_sums: 2 * K with OKLAB, else 1 (unused).
override OKLAB_SUM_WORDS: u32 = 1u;
override SUM_STEPS: f32 = 1.0;
override SUM_OFFSET: f32 = 0.0;

struct Chunk {
  pixel_count: u32,
}

@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> centroids: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> sums: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> labels: array<u32>;
@group(0) @binding(4) var<storage, read> control: array<u32>;
@group(0) @binding(5) var<uniform> chunk: Chunk;

var<workgroup> cache: array<vec4<f32>, K>;
var<workgroup> red_green: array<atomic<u32>, K>;
var<workgroup> blue_count: array<atomic<u32>, K>;
var<workgroup> error_sum: atomic<u32>;
var<workgroup> oklab_sums: array<atomic<u32>, OKLAB_SUM_WORDS>;

fn add64(index: u32, value: u32) {
  let old = atomicAdd(&sums[index], value);
  if (old + value < old) {
    atomicAdd(&sums[index + 1u], 1u);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  // The loop converged earlier in this batch: later iterations do nothing.
  if (ACCUMULATE && control[0] != 0u) {
    return;
  }
  for (var j = lid; j < K; j += WORKGROUP_SIZE) {
    cache[j] = centroids[j];
    atomicStore(&red_green[j], 0u);
    atomicStore(&blue_count[j], 0u);
    if (OKLAB) {
      atomicStore(&oklab_sums[j], 0u);
      atomicStore(&oklab_sums[K + j], 0u);
    }
  }
  if (lid == 0u) {
    atomicStore(&error_sum, 0u);
  }
  workgroupBarrier();

  let first = (wid.x * WORKGROUP_SIZE + lid) * PIXELS_PER_INVOCATION;
  var packed = 0u;
  var error = 0.0;
  for (var p = 0u; p < PIXELS_PER_INVOCATION; p++) {
    let index = first + p;
    if (index < chunk.pixel_count) {
      let rgb = channels(pixels[index]);
      var point = vec3<f32>(rgb);
      if (OKLAB) {
        point = srgb_to_oklab(point);
      }
      let nearest = nearest_centroid(point);
      let best = nearest.index;
      packed |= best << (8u * p);
      if (ACCUMULATE && OKLAB) {
        let q = fixed_point(point, SUM_STEPS, SUM_OFFSET);
        atomicAdd(&red_green[best], q.x);
        atomicAdd(&blue_count[best], q.y);
        atomicAdd(&oklab_sums[best], q.z);
        atomicAdd(&oklab_sums[K + best], 1u);
        error += nearest.d2;
      } else if (ACCUMULATE) {
        atomicAdd(&red_green[best], rgb.r | (rgb.g << 16u));
        atomicAdd(&blue_count[best], rgb.b | (1u << 16u));
        error += nearest.d2;
      }
    }
  }
  if (!ACCUMULATE) {
    if (first < chunk.pixel_count) {
      labels[first / PIXELS_PER_INVOCATION] = packed;
    }
    return;
  }
  atomicAdd(&error_sum, u32(error * ERROR_SCALE + 0.5));
  workgroupBarrier();
  for (var j = lid; j < K; j += WORKGROUP_SIZE) {
    let rg = atomicLoad(&red_green[j]);
    let bn = atomicLoad(&blue_count[j]);
    if (OKLAB) {
      let n = atomicLoad(&oklab_sums[K + j]);
      if (n != 0u) {
        let base = j * SUM_WORDS;
        add64(base, rg);
        add64(base + 2u, bn);
        add64(base + 4u, atomicLoad(&oklab_sums[j]));
        add64(base + 6u, n);
      }
    } else if ((bn >> 16u) != 0u) {
      let base = j * SUM_WORDS;
      add64(base, rg & 0xffffu);
      add64(base + 2u, rg >> 16u);
      add64(base + 4u, bn & 0xffffu);
      add64(base + 6u, bn >> 16u);
    }
  }
  if (lid == 0u) {
    add64(K * SUM_WORDS, atomicLoad(&error_sum));
  }
}
