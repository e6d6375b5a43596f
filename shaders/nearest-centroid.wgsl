// Shared by assign.wgsl and assign-colours.wgsl, which the host prepends it to (WGSL has no includes): the
// nearest of the K centroids cached in workgroup memory (`K` and `cache` are declared by each kernel),
// the lowest index on ties, with its squared distance; and the fixed-point form of a point for the sums
// (each kernel passes its own `SUM_STEPS` and `SUM_OFFSET`). Not a kernel of its own.

struct Nearest {
  index: u32,
  d2: f32,
}

// The R, G and B bytes of a packed RGBA8 colour (alpha ignored).
fn channels(packed: u32) -> vec3<u32> {
  return vec3<u32>(packed & 255u, (packed >> 8u) & 255u, (packed >> 16u) & 255u);
}

// A point of the clustering space as the non-negative integers its sums add: (p + offset) in steps of
// 1 / steps, rounded (OKLab: offset 128, 4096 steps a unit; sRGB colours are not converted).
fn fixed_point(p: vec3<f32>, steps: f32, offset: f32) -> vec3<u32> {
  return vec3<u32>(round(max(p + offset, vec3<f32>(0.0)) * steps));
}

fn nearest_centroid(colour: vec3<f32>) -> Nearest {
  var best = 0u;
  var best_d2 = 3.4e38;
  for (var j = 0u; j < K; j++) {
    let d = colour - cache[j].xyz;
    let d2 = dot(d, d);
    if (d2 < best_d2) {
      best_d2 = d2;
      best = j;
    }
  }
  return Nearest(best, best_d2);
}
