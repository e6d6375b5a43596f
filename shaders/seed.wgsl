// The frame path's initialisation on the GPU: k-means++ on a stratified sample of the frame, so that a
// cold frame needs no host step. One workgroup. Each of SAMPLES strata of the pixels gives one pixel at a
// seeded position within it; the first centroid is a seeded sample, and each next one is drawn with
// probability proportional to a sample's squared distance to its nearest centroid so far (D^2 sampling),
// through a prefix sum of the invocations' shares. Same seed, same frame: same centroids. When every
// sample is already a centroid (fewer distinct colours than k), the rest repeat a seeded sample.

override WORKGROUP_SIZE: u32 = 256u;
override K: u32 = 16u;
override SAMPLES: u32 = 1024u;

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
}
