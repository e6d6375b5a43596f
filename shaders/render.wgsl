// The output image on the GPU: each pixel becomes its label's palette colour and keeps its own alpha,
// written over the pixel in place (the session's last pass over the image, after its labels are known).
//
// Each invocation takes the PIXELS_PER_INVOCATION consecutive pixels whose 8-bit labels share one u32, as
// the assignment kernel wrote them. No workgroup memory and no barriers: one read of the label word, one
// read and one write of each pixel.

override WORKGROUP_SIZE: u32 = 64u;
override PIXELS_PER_INVOCATION: u32 = 4u;

struct Chunk {
  pixel_count: u32,
}

@group(0) @binding(0) var<storage, read_write> pixels: array<u32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> palette: array<u32>;
@group(0) @binding(3) var<uniform> chunk: Chunk;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let word = wid.x * WORKGROUP_SIZE + lid;
  let first = word * PIXELS_PER_INVOCATION;
  if (first >= chunk.pixel_count) {
    return;
  }
  let packed = labels[word];
  for (var p = 0u; p < PIXELS_PER_INVOCATION; p++) {
    let index = first + p;
    if (index < chunk.pixel_count) {
      let label = (packed >> (8u * p)) & 0xffu;
      pixels[index] = palette[label] | (pixels[index] & 0xff000000u);
    }
  }
}
