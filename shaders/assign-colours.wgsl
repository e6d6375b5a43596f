// Nearest-centroid assignment of the image's distinct colours, each weighted by its pixel count (the
// histogram built by count-colours.wgsl and gather-colours.wgsl), fused with per-workgroup partial sums.
//
// Each invocation takes POINTS_PER_INVOCATION colours. Weighted sums outgrow 16 and 32 bits, so the
// workgroup sums are 64-bit too (lo/hi u32 pairs with carry, in workgroup memory, laid out as the global
// sums: the clusters', then the error), and one invocation per cluster adds them to the global 64-bit
// sums. Colour x weight fits a u32 while a colour holds fewer than 2^24 pixels (the host uses this path
// only below that many pixels); the error, weight x fixed-point squared distance, is multiplied out to
// 64 bits. The sums have the layout of assign.wgsl's, so the same reduction kernel turns them into
// centroids.
//
// With OKLAB each colour is converted to its OKLab point (shaders/oklab.wgsl, prepended) and measured
// there; it adds its fixed-point point (see fixed_point: below 2^21) x weight, multiplied out to 64 bits.

override WORKGROUP_SIZE: u32 = 64u;
override POINTS_PER_INVOCATION: u32 = 4u;
override K: u32 = 16u;
override ERROR_SCALE: f32 = 16.0;
override SUM_WORDS: u32 = 8u;
override OKLAB: bool = false;
override SUM_STEPS: f32 = 1.0;
override SUM_OFFSET: f32 = 0.0;

@group(0) @binding(0) var<storage, read> colours: array<u32>;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> centroids: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> sums: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read> control: array<u32>;
@group(0) @binding(5) var<storage, read> info: array<u32>;

var<workgroup> cache: array<vec4<f32>, K>;
// The workgroup's 64-bit sums: K clusters of SUM_WORDS words, then the error (lo, hi) at K * SUM_WORDS.
var<workgroup> partial: array<atomic<u32>, K * SUM_WORDS + 2u>;

// Adds a 32-bit value to the workgroup's 64-bit sum at `index` (WGSL has no pointer parameters across
// address spaces, so this one serves workgroup memory and add64_global the storage sums).
fn add64_local(index: u32, value: u32) {
  let old = atomicAdd(&partial[index], value);
  if (old + value < old) {
    atomicAdd(&partial[index + 1u], 1u);
  }
}

// Adds a 64-bit value (lo, hi) to the workgroup's 64-bit sum at `index`.
fn add64_wide_local(index: u32, value: vec2<u32>) {
  let old = atomicAdd(&partial[index], value.x);
  var carry = 0u;
  if (old + value.x < old) {
    carry = 1u;
  }
  if (value.y + carry != 0u) {
    atomicAdd(&partial[index + 1u], value.y + carry);
  }
}

// Adds a 64-bit value (lo, hi) to the global 64-bit sum at `index`.
fn add64_global(index: u32, lo: u32, hi: u32) {
  let old = atomicAdd(&sums[index], lo);
  var carry = 0u;
  if (old + lo < old) {
    carry = 1u;
  }
  if (hi + carry != 0u) {
    atomicAdd(&sums[index + 1u], hi + carry);
  }
}

// a x b as (lo, hi) 32-bit halves of the 64-bit product.
fn mul64(a: u32, b: u32) -> vec2<u32> {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let cross1 = a_lo * b_hi;
  let cross2 = a_hi * b_lo;
  var lo = a_lo * b_lo;
  var hi = a_hi * b_hi + (cross1 >> 16u) + (cross2 >> 16u);
  let t1 = lo + (cross1 << 16u);
  if (t1 < lo) {
    hi += 1u;
  }
  let t2 = t1 + (cross2 << 16u);
  if (t2 < t1) {
    hi += 1u;
  }
  lo = t2;
  return vec2<u32>(lo, hi);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  // The loop converged earlier in this batch: later iterations do nothing.
  if (control[0] != 0u) {
    return;
  }
  let count = info[0];
  for (var j = lid; j < K; j += WORKGROUP_SIZE) {
    cache[j] = centroids[j];
  }
  for (var w = lid; w < K * SUM_WORDS + 2u; w += WORKGROUP_SIZE) {
    atomicStore(&partial[w], 0u);
  }
  workgroupBarrier();

  let first = (wid.x * WORKGROUP_SIZE + lid) * POINTS_PER_INVOCATION;
  var error_lo = 0u;
  var error_hi = 0u;
  for (var p = 0u; p < POINTS_PER_INVOCATION; p++) {
    let index = first + p;
    if (index < count) {
      let weight = weights[index];
      let rgb = channels(colours[index]);
      var point = vec3<f32>(rgb);
      if (OKLAB) {
        point = srgb_to_oklab(point);
      }
      let nearest = nearest_centroid(point);
      let base = nearest.index * SUM_WORDS;
      if (OKLAB) {
        let q = fixed_point(point, SUM_STEPS, SUM_OFFSET);
        add64_wide_local(base, mul64(q.x, weight));
        add64_wide_local(base + 2u, mul64(q.y, weight));
        add64_wide_local(base + 4u, mul64(q.z, weight));
      } else {
        add64_local(base, rgb.r * weight);
        add64_local(base + 2u, rgb.g * weight);
        add64_local(base + 4u, rgb.b * weight);
      }
      add64_local(base + 6u, weight);
      let e = mul64(u32(nearest.d2 * ERROR_SCALE + 0.5), weight);
      let lo = error_lo + e.x;
      if (lo < error_lo) {
        error_hi += 1u;
      }
      error_lo = lo;
      error_hi += e.y;
    }
  }
  // The invocation's 64-bit error: its low word with carry, then its high word.
  add64_local(K * SUM_WORDS, error_lo);
  if (error_hi != 0u) {
    atomicAdd(&partial[K * SUM_WORDS + 1u], error_hi);
  }
  workgroupBarrier();
  for (var j = lid; j < K; j += WORKGROUP_SIZE) {
    let base = j * SUM_WORDS;
    if (atomicLoad(&partial[base + 6u]) != 0u || atomicLoad(&partial[base + 7u]) != 0u) {
      for (var w = 0u; w < SUM_WORDS; w += 2u) {
        add64_global(base + w, atomicLoad(&partial[base + w]), atomicLoad(&partial[base + w + 1u]));
      }
    }
  }
  if (lid == 0u) {
    add64_global(K * SUM_WORDS, atomicLoad(&partial[K * SUM_WORDS]), atomicLoad(&partial[K * SUM_WORDS + 1u]));
  }
}
