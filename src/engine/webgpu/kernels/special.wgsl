// Non-finite f32 values for kernels that need them. Included as text.
// −∞ and NaN cannot be written as constants (WGSL rejects non-finite constant values), so they
// are made at run time from bits held in private variables.
var<private> neg_inf_bits: u32 = 0xff800000u;
var<private> nan_bits: u32 = 0x7fc00000u;

fn neg_inf() -> f32 {
  return bitcast<f32>(neg_inf_bits);
}

fn nan_f32() -> f32 {
  return bitcast<f32>(nan_bits);
}
