// The frame path's output: each pixel becomes its label's palette colour, keeps its own alpha, and is
// stored into an rgba8unorm texture (which the host may copy to a canvas). One invocation per pixel; the
// labels are four 8-bit labels per u32, as the assignment kernel wrote them.

override WORKGROUP_SIZE: u32 = 256u;

// `Frame` (the uniform's layout) comes from frame.wgsl.
@group(0) @binding(0) var<storage, read> labels: array<u32>;
@group(0) @binding(1) var<storage, read> palette: array<u32>;
@group(0) @binding(2) var<storage, read> pixels: array<u32>;
@group(0) @binding(3) var output: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(4) var<uniform> frame: Frame;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let index = wid.x * WORKGROUP_SIZE + lid;
  if (index >= frame.pixel_count) {
    return;
  }
  let label = (labels[index / 4u] >> (8u * (index % 4u))) & 0xffu;
  let colour = palette[label] | (pixels[index] & 0xff000000u);
  textureStore(output, vec2<u32>(index % frame.width, index / frame.width), unpack4x8unorm(colour));
}
