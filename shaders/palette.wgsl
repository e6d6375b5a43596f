// The byte palette of the float centroids, on the GPU (the frame path never reads its centroids back):
// each centroid rounded half up and clamped to 0..255, as the host rounds them, written as a point (what
// the labelling pass measures against) and packed r | g << 8 | b << 16 (what the painting reads, and what
// comes back to the host). One invocation per cluster.

override WORKGROUP_SIZE: u32 = 256u;
override K: u32 = 16u;

@group(0) @binding(0) var<storage, read> centroids: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> points: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> palette: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  if (lid >= K) {
    return;
  }
  let c = clamp(floor(centroids[lid].xyz + 0.5), vec3<f32>(0.0), vec3<f32>(255.0));
  points[lid] = vec4<f32>(c, 0.0);
  let bytes = vec3<u32>(c);
  palette[lid] = bytes.r | (bytes.g << 8u) | (bytes.b << 16u);
}
