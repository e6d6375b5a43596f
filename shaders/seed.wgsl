// The frame path's initialisation on the GPU: k-means++ on a stratified sample of the frame, so that a
// cold frame needs no host step. One workgroup. Each of SAMPLES strata of the pixels gives one pixel at a
// seeded position within it; the first centroid is a seeded sample, and each next one is drawn with
// probability proportional to a sample's squared distance to its nearest centroid so far (D^2 sampling),
// through a prefix sum of the invocations' shares. Then POLISH Lloyd iterations on the sample (integer
// sums in workgroup memory, the lowest index on ties, an empty cluster kept where it is), so that the
// iterations over the whole frame start close. Same seed, same frame: same centroids. When every sample
// is already a centroid (fewer distinct colours than k), the rest repeat a seeded sample.

override WORKGROUP_SIZE: u32 = 256u;
override K: u32 = 16u;
override SAMPLES: u32 = 1024u;
// Lloyd iterations on the sample after the seeding (the polish).
override POLISH: u32 = 8u;

struct Seeding {
  pixel_count: u32,
  seed: u32,
}

@group(0) @binding(0) var<storage, read> pixels: array<u32>;
@group(0) @binding(1) var<storage, read_write> centroids: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> seeding: Seeding;

var<workgroup> sample: array<u32, SAMPLES>;
var<workgroup> nearest: array<f32, SAMPLES>;
var<workgroup> scan: array<f32, WORKGROUP_SIZE>;
var<workgroup> chosen: u32;
// The polish's per-cluster sums: r, g, b, count (exact: at most SAMPLES x 255).
var<workgroup> sums: array<atomic<u32>, 4u * K>;

// A 32-bit integer hash (PCG's output permutation).
fn hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn draw(stream: u32, i: u32) -> u32 {
  return hash(hash(seeding.seed ^ stream) ^ i);
}

fn colour_of(packed: u32) -> vec3<f32> {
  return vec3<f32>(vec3<u32>(packed & 255u, (packed >> 8u) & 255u, (packed >> 16u) & 255u));
}

// One seeded pixel of stratum s of the image (strata as even as integers allow).
fn stratum_pixel(s: u32) -> u32 {
  let n = seeding.pixel_count;
  let base = n / SAMPLES;
  let extra = n % SAMPLES;
  let size = base + select(0u, 1u, s < extra);
  if (size == 0u) {
    return pixels[s % n];
  }
  return pixels[s * base + min(s, extra) + draw(0x5eedu, s) % size];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  let per = SAMPLES / WORKGROUP_SIZE;
  for (var q = 0u; q < per; q++) {
    let s = lid * per + q;
    sample[s] = stratum_pixel(s);
    nearest[s] = 3.4e38;
  }
  if (lid == 0u) {
    chosen = draw(0xf125u, 0u) % SAMPLES;
  }
  for (var c = 0u; c < K; c++) {
    workgroupBarrier();
    let centre = colour_of(sample[chosen]);
    workgroupBarrier();
    if (lid == 0u) {
      centroids[c] = vec4<f32>(centre, 0.0);
      chosen = draw(0xf125u, c + 1u) % SAMPLES;
    }
    var share = 0.0;
    for (var q = 0u; q < per; q++) {
      let s = lid * per + q;
      let d = colour_of(sample[s]) - centre;
      nearest[s] = min(nearest[s], dot(d, d));
      share += nearest[s];
    }
    scan[lid] = share;
    workgroupBarrier();
    for (var offset = 1u; offset < WORKGROUP_SIZE; offset <<= 1u) {
      var before = 0.0;
      if (lid >= offset) {
        before = scan[lid - offset];
      }
      workgroupBarrier();
      scan[lid] += before;
      workgroupBarrier();
    }
    // The invocation whose range [scan[lid - 1], scan[lid]) holds the goal draws within its samples.
    let goal = f32(draw(0xd2u, c + 1u) >> 8u) / 16777216.0 * scan[WORKGROUP_SIZE - 1u];
    var low = 0.0;
    if (lid > 0u) {
      low = scan[lid - 1u];
    }
    if (low <= goal && goal < scan[lid]) {
      var acc = low;
      var pick = lid * per + per - 1u;
      for (var q = 0u; q < per; q++) {
        acc += nearest[lid * per + q];
        if (goal < acc) {
          pick = lid * per + q;
          break;
        }
      }
      chosen = pick;
    }
    workgroupBarrier();
  }
  storageBarrier();
  workgroupBarrier();
  for (var it = 0u; it < POLISH; it++) {
    for (var j = lid; j < 4u * K; j += WORKGROUP_SIZE) {
      atomicStore(&sums[j], 0u);
    }
    workgroupBarrier();
    for (var q = 0u; q < per; q++) {
      let packed = sample[lid * per + q];
      let colour = colour_of(packed);
      var best = 0u;
      var best_d2 = 3.4e38;
      for (var j = 0u; j < K; j++) {
        let d = colour - centroids[j].xyz;
        let d2 = dot(d, d);
        if (d2 < best_d2) {
          best_d2 = d2;
          best = j;
        }
      }
      atomicAdd(&sums[best * 4u], packed & 255u);
      atomicAdd(&sums[best * 4u + 1u], (packed >> 8u) & 255u);
      atomicAdd(&sums[best * 4u + 2u], (packed >> 16u) & 255u);
      atomicAdd(&sums[best * 4u + 3u], 1u);
    }
    workgroupBarrier();
    for (var j = lid; j < K; j += WORKGROUP_SIZE) {
      let n = atomicLoad(&sums[j * 4u + 3u]);
      if (n > 0u) {
        let total = vec3<f32>(f32(atomicLoad(&sums[j * 4u])), f32(atomicLoad(&sums[j * 4u + 1u])), f32(atomicLoad(&sums[j * 4u + 2u])));
        centroids[j] = vec4<f32>(total / f32(n), 0.0);
      }
    }
    storageBarrier();
    workgroupBarrier();
  }
}
