// The frame path's early exit: before each Lloyd iteration of a frame, the workgroup count of the
// iteration's assignment dispatch (an indirect dispatch) becomes 0 once the loop has converged, so the
// iterations encoded after convergence launch nothing. `args` holds the dispatch's x, y, z, then the full
// workgroup count (written by the host once a frame). One invocation.

@group(0) @binding(0) var<storage, read> control: array<u32>;
@group(0) @binding(1) var<storage, read_write> args: array<u32>;

@compute @workgroup_size(1)
fn main() {
  args[0] = select(args[3], 0u, control[0] != 0u);
}
