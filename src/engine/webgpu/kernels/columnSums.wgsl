// Column sums of a [rows, cols] matrix in one dispatch (a Linear's bias gradient,
// ops/projection.ts; docs/gpu.md "Dispatches per step"): out[c] (+)= Σ_r x[r, c].
// A workgroup owns 16 adjacent columns; its 16 row lanes stride over the rows (each reads 16
// adjacent floats of a row), then a tree over the lanes in workgroup memory. The two-stage
// reduction it replaces needs a second dispatch when the rows are many.
const C: u32 = 16u;
const L: u32 = 16u;

// The uniform struct P is generated from the uniforms() declaration in columnSums.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(16, 16)
fn column_sums(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = (wid.y * nwg.x + wid.x) * C + lid.x;
  var s = 0.0;
  if (c < p.cols) {
    for (var r = lid.y; r < p.rows; r += L) {
      s += x[r * p.cols + c];
    }
  }
  red[lid.y * C + lid.x] = s;
  workgroupBarrier();
  for (var h = L / 2u; h > 0u; h >>= 1u) {
    if (lid.y < h) {
      red[lid.y * C + lid.x] += red[(lid.y + h) * C + lid.x];
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && c < p.cols) {
    out[c] = select(red[lid.x], out[c] + red[lid.x], p.acc != 0u);
  }
}
