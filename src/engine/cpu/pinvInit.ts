/** Reference loops for the pseudo-inverse's initialisation (the truth for kernels/pinvInit.wgsl). */
import type { CpuArray } from './pool';

/** Per m×m matrix b: aux[b] = [c_0 … c_{m−1}, max_j c_j, s] with c_j = Σ_i |A_ij|, s = max + dropped[b]; Z0 = Aᵀ / s. */
export function pinvInit(a: CpuArray, dropped: CpuArray | null, z: CpuArray, aux: CpuArray, batch: number, m: number): void {
  for (let b = 0; b < batch; b++) {
    const base = b * m * m;
    const ab = b * (m + 2);
    let mx = 0;
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += Math.abs(a[base + i * m + j]);
      aux[ab + j] = s;
      mx = Math.max(mx, aux[ab + j]);
    }
    aux[ab + m] = mx;
    aux[ab + m + 1] = mx + (dropped ? dropped[b] : 0);
    const den = aux[ab + m + 1];
    for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) z[base + j * m + i] = a[base + i * m + j] / den;
  }
}

/** dA_ij (+)= G_ji / s + [c_j = max] · (−Σ G·Z0 / s) / ties · sign(A_ij), sign(x) = x / (|x| + 1e-30) as ops/unary.ts's abs. */
export function pinvInitBackward(
  a: CpuArray,
  z: CpuArray,
  aux: CpuArray,
  g: CpuArray,
  da: CpuArray,
  batch: number,
  m: number,
  accumulate: boolean,
): void {
  for (let b = 0; b < batch; b++) {
    const base = b * m * m;
    const ab = b * (m + 2);
    const [mx, den] = [aux[ab + m], aux[ab + m + 1]];
    let ds = 0;
    for (let e = 0; e < m * m; e++) ds -= (g[base + e] * z[base + e]) / den;
    let ties = 0;
    for (let j = 0; j < m; j++) if (aux[ab + j] === mx) ties++;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        const x = a[base + i * m + j];
        let v = g[base + j * m + i] / den;
        if (aux[ab + j] === mx) v += (ds / ties) * (x / (Math.abs(x) + 1e-30));
        const e = base + i * m + j;
        da[e] = accumulate ? da[e] + v : v;
      }
  }
}
