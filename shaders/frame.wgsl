// Shared by unpack-texture.wgsl and paint-texture.wgsl, which the host prepends it to (WGSL has no
// includes): the frame's uniform, in the layout src/gpu/frame.ts writes. Not a kernel of its own.

struct Frame {
  pixel_count: u32,
  first: u32,
  width: u32,
  height: u32,
}
