// Ordered dithering, labelling and painting in one pass (the session's last over the image): each pixel
// plus the integer offset of its place in the 8 x 8 threshold map (tiled from the image's top left) is
// clamped to 0..255 per channel, takes its nearest palette colour (in OKLab when OKLAB is set: converted
// with the prepended srgb_to_oklab, the palette given in OKLab), and is painted that colour over itself,
// keeping its alpha. The same integers as the CPU's orderedLabels(): in sRGB every distance is an integer
// below 2^24, exact in f32, so both choose the same colour for every pixel.
//
// Each invocation takes the PIXELS_PER_INVOCATION consecutive pixels whose 8-bit labels share one u32.

override WORKGROUP_SIZE: u32 = 64u;
override PIXELS_PER_INVOCATION: u32 = 4u;
override K: u32 = 16u;
override OKLAB: bool = false;

struct Chunk {
  pixel_count: u32,
  // The chunk's first pixel in the image.
  first_pixel: u32,
}

struct Dither {
  // Pixels per image row.
  width: u32,
  // The offset of each map position, row by row, four to a vec4 (uniform arrays have 16-byte strides).
  offsets: array<vec4<i32>, 16>,
}

@group(0) @binding(0) var<storage, read_write> pixels: array<u32>;
@group(0) @binding(1) var<storage, read_write> labels: array<u32>;
@group(0) @binding(2) var<storage, read> points: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> palette: array<u32>;
@group(0) @binding(4) var<uniform> dither: Dither;
@group(0) @binding(5) var<uniform> chunk: Chunk;

var<workgroup> cache: array<vec4<f32>, K>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  for (var j = lid; j < K; j += WORKGROUP_SIZE) {
    cache[j] = points[j];
  }
  workgroupBarrier();

  let word = wid.x * WORKGROUP_SIZE + lid;
  let first = word * PIXELS_PER_INVOCATION;
  if (first >= chunk.pixel_count) {
    return;
  }
  var packed = 0u;
  for (var p = 0u; p < PIXELS_PER_INVOCATION; p++) {
    let index = first + p;
    if (index < chunk.pixel_count) {
      let at = chunk.first_pixel + index;
      let cell = ((at / dither.width) % 8u) * 8u + (at % dither.width) % 8u;
      let offset = dither.offsets[cell / 4u][cell % 4u];
      let pixel = pixels[index];
      let rgb = clamp(vec3<i32>(channels(pixel)) + vec3<i32>(offset), vec3<i32>(0), vec3<i32>(255));
      var colour = vec3<f32>(rgb);
      if (OKLAB) {
        colour = srgb_to_oklab(colour);
      }
      let best = nearest_centroid(colour).index;
      packed |= best << (8u * p);
      pixels[index] = palette[best] | (pixel & 0xff000000u);
    }
  }
  labels[word] = packed;
}
