// erf and the exact (erf-form) GELU, as PyTorch's default nn.GELU(). WGSL has no erf, so it is
// computed from the Chebyshev fit of erfc of Numerical Recipes (§6.2, `erfcc`), fractional error
// below 1.2e-7 everywhere — about one f32 ulp. Included as text by unary.wgsl and unaryGrad.wgsl.
fn erfc_nr(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(poly);
  return select(2.0 - r, r, x >= 0.0);
}

fn erf_nr(x: f32) -> f32 {
  // For small |x| erf = 1 − erfc loses relative precision; a Taylor series keeps it.
  if (abs(x) < 0.5) {
    let x2 = x * x;
    // erf(x) = 2/√π (x − x³/3 + x⁵/10 − x⁷/42 + x⁹/216 − x¹¹/1320)
    return 1.1283791671 * x * (1.0 + x2 * (-0.33333333333 + x2 * (0.1 + x2 * (-0.02380952381 + x2 * (0.00462962963 - x2 * 0.00075757576)))));
  }
  return 1.0 - erfc_nr(x);
}

fn gelu_f(x: f32) -> f32 {
  return 0.5 * x * (1.0 + erf_nr(x * 0.70710678118654752));
}

fn gelu_grad_f(x: f32) -> f32 {
  return 0.5 * (1.0 + erf_nr(x * 0.70710678118654752)) + x * 0.39894228040143268 * exp(-0.5 * x * x);
}
