// The dense matrix work of one layer over a mini-batch, behind a small interface so that another
// implementation (for instance WebAssembly SIMD over its own linear memory) can replace the plain
// JavaScript loops. The network asks its Kernels object for every buffer the kernels touch, so
// such an implementation can hand out views of memory it owns.
//
// Layouts, all row-major: a batch of activations is rows × units (one sample a row); a weight
// matrix W is nOut × nIn (row j holds the weights into unit j), followed in the same buffer by
// its nOut biases. Offsets name where W (wAt) and b (bAt) start inside the parameter buffer.

export interface Kernels {
  readonly name: string;

  /** A zeroed buffer of `length` numbers that this implementation can compute on. */
  allocate(length: number): Float64Array;

  /** Z = X·Wᵀ + b: z[d·nOut + j] = Σ_i x[d·nIn + i] · w[j·nIn + i] + b[j], for d < rows. */
  forward(x: Float64Array, params: Float64Array, wAt: number, bAt: number, z: Float64Array,
    rows: number, nIn: number, nOut: number): void;

  /**
   * ∂E/∂W = (∂E/∂Z)ᵀ·X and ∂E/∂b = Σ_d ∂E/∂Z[d, ·], written (not added) into `grad` at wAt
   * and bAt: grad[wAt + j·nIn + i] = Σ_d dEdz[d·nOut + j] · x[d·nIn + i].
   */
  weightGradient(dEdz: Float64Array, x: Float64Array, grad: Float64Array, wAt: number,
    bAt: number, rows: number, nIn: number, nOut: number): void;

  /** ∂E/∂X = ∂E/∂Z · W: dEdx[d·nIn + i] = Σ_j dEdz[d·nOut + j] · w[j·nIn + i]. */
  inputGradient(dEdz: Float64Array, params: Float64Array, wAt: number, dEdx: Float64Array,
    rows: number, nIn: number, nOut: number): void;
}

// The loops below block the output into tiles of 4 × 4 (rows × units, or units × inputs) and
// keep the 16 partial sums in locals, so each number loaded from memory feeds four
// multiply-adds. Edges that do not fill a tile fall back to narrower loops. Inner loops run
// over the contiguous dimension wherever the layout allows it.
//
// Every sum starts at 0 and adds one product at a time in index order (then the bias, in
// forward), whatever the tiling. The compiled pass (compiled.ts) follows the same order, so the
// two give the same bits. Another implementation may sum in another order (SIMD lanes do);
// training then stays deterministic for that implementation, only not bit-equal to this one.

/** Z = X·Wᵀ + b, see Kernels.forward. */
function forward(x: Float64Array, params: Float64Array, wAt: number, bAt: number,
  z: Float64Array, rows: number, nIn: number, nOut: number): void {
  const w = params;
  let d = 0;
  for (; d + 4 <= rows; d += 4) {
    const x0 = d * nIn, x1 = x0 + nIn, x2 = x1 + nIn, x3 = x2 + nIn;
    const z0 = d * nOut, z1 = z0 + nOut, z2 = z1 + nOut, z3 = z2 + nOut;
    let j = 0;
    for (; j + 4 <= nOut; j += 4) {
      const w0 = wAt + j * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let i = 0; i < nIn; i++) {
        const a0 = w[w0 + i], a1 = w[w1 + i], a2 = w[w2 + i], a3 = w[w3 + i];
        let v = x[x0 + i];
        s00 += v * a0; s01 += v * a1; s02 += v * a2; s03 += v * a3;
        v = x[x1 + i];
        s10 += v * a0; s11 += v * a1; s12 += v * a2; s13 += v * a3;
        v = x[x2 + i];
        s20 += v * a0; s21 += v * a1; s22 += v * a2; s23 += v * a3;
        v = x[x3 + i];
        s30 += v * a0; s31 += v * a1; s32 += v * a2; s33 += v * a3;
      }
      const b0 = w[bAt + j], b1 = w[bAt + j + 1], b2 = w[bAt + j + 2], b3 = w[bAt + j + 3];
      z[z0 + j] = s00 + b0; z[z0 + j + 1] = s01 + b1; z[z0 + j + 2] = s02 + b2;
      z[z0 + j + 3] = s03 + b3;
      z[z1 + j] = s10 + b0; z[z1 + j + 1] = s11 + b1; z[z1 + j + 2] = s12 + b2;
      z[z1 + j + 3] = s13 + b3;
      z[z2 + j] = s20 + b0; z[z2 + j + 1] = s21 + b1; z[z2 + j + 2] = s22 + b2;
      z[z2 + j + 3] = s23 + b3;
      z[z3 + j] = s30 + b0; z[z3 + j + 1] = s31 + b1; z[z3 + j + 2] = s32 + b2;
      z[z3 + j + 3] = s33 + b3;
    }
    for (; j < nOut; j++) {
      const w0 = wAt + j * nIn;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < nIn; i++) {
        const a = w[w0 + i];
        s0 += x[x0 + i] * a; s1 += x[x1 + i] * a; s2 += x[x2 + i] * a; s3 += x[x3 + i] * a;
      }
      const b = w[bAt + j];
      z[z0 + j] = s0 + b; z[z1 + j] = s1 + b; z[z2 + j] = s2 + b; z[z3 + j] = s3 + b;
    }
  }
  for (; d < rows; d++) {
    const x0 = d * nIn, z0 = d * nOut;
    let j = 0;
    for (; j + 4 <= nOut; j += 4) {
      const w0 = wAt + j * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let i = 0; i < nIn; i++) {
        const v = x[x0 + i];
        s0 += v * w[w0 + i]; s1 += v * w[w1 + i]; s2 += v * w[w2 + i]; s3 += v * w[w3 + i];
      }
      z[z0 + j] = s0 + w[bAt + j]; z[z0 + j + 1] = s1 + w[bAt + j + 1];
      z[z0 + j + 2] = s2 + w[bAt + j + 2]; z[z0 + j + 3] = s3 + w[bAt + j + 3];
    }
    for (; j < nOut; j++) {
      const w0 = wAt + j * nIn;
      let s = 0;
      for (let i = 0; i < nIn; i++) s += x[x0 + i] * w[w0 + i];
      z[z0 + j] = s + w[bAt + j];
    }
  }
}

/** ∂E/∂W = (∂E/∂Z)ᵀ·X and ∂E/∂b, see Kernels.weightGradient. */
function weightGradient(dEdz: Float64Array, x: Float64Array, grad: Float64Array, wAt: number,
  bAt: number, rows: number, nIn: number, nOut: number): void {
  const g = dEdz;
  let j = 0;
  for (; j + 4 <= nOut; j += 4) {
    const o0 = wAt + j * nIn, o1 = o0 + nIn, o2 = o1 + nIn, o3 = o2 + nIn;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let d = 0, gd = j, xd = i; d < rows; d++, gd += nOut, xd += nIn) {
        const v0 = x[xd], v1 = x[xd + 1], v2 = x[xd + 2], v3 = x[xd + 3];
        let e = g[gd];
        s00 += e * v0; s01 += e * v1; s02 += e * v2; s03 += e * v3;
        e = g[gd + 1];
        s10 += e * v0; s11 += e * v1; s12 += e * v2; s13 += e * v3;
        e = g[gd + 2];
        s20 += e * v0; s21 += e * v1; s22 += e * v2; s23 += e * v3;
        e = g[gd + 3];
        s30 += e * v0; s31 += e * v1; s32 += e * v2; s33 += e * v3;
      }
      grad[o0 + i] = s00; grad[o0 + i + 1] = s01; grad[o0 + i + 2] = s02; grad[o0 + i + 3] = s03;
      grad[o1 + i] = s10; grad[o1 + i + 1] = s11; grad[o1 + i + 2] = s12; grad[o1 + i + 3] = s13;
      grad[o2 + i] = s20; grad[o2 + i + 1] = s21; grad[o2 + i + 2] = s22; grad[o2 + i + 3] = s23;
      grad[o3 + i] = s30; grad[o3 + i + 1] = s31; grad[o3 + i + 2] = s32; grad[o3 + i + 3] = s33;
    }
    for (; i < nIn; i++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let d = 0, gd = j, xd = i; d < rows; d++, gd += nOut, xd += nIn) {
        const v = x[xd];
        s0 += g[gd] * v; s1 += g[gd + 1] * v; s2 += g[gd + 2] * v; s3 += g[gd + 3] * v;
      }
      grad[o0 + i] = s0; grad[o1 + i] = s1; grad[o2 + i] = s2; grad[o3 + i] = s3;
    }
  }
  for (; j < nOut; j++) {
    const o0 = wAt + j * nIn;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let d = 0, gd = j, xd = i; d < rows; d++, gd += nOut, xd += nIn) {
        const e = g[gd];
        s0 += e * x[xd]; s1 += e * x[xd + 1]; s2 += e * x[xd + 2]; s3 += e * x[xd + 3];
      }
      grad[o0 + i] = s0; grad[o0 + i + 1] = s1; grad[o0 + i + 2] = s2; grad[o0 + i + 3] = s3;
    }
    for (; i < nIn; i++) {
      let s = 0;
      for (let d = 0, gd = j, xd = i; d < rows; d++, gd += nOut, xd += nIn) s += g[gd] * x[xd];
      grad[o0 + i] = s;
    }
  }

  for (let k = 0; k < nOut; k++) {
    let s = 0;
    for (let d = 0, gd = k; d < rows; d++, gd += nOut) s += g[gd];
    grad[bAt + k] = s;
  }
}

/** ∂E/∂X = ∂E/∂Z · W, see Kernels.inputGradient. */
function inputGradient(dEdz: Float64Array, params: Float64Array, wAt: number,
  dEdx: Float64Array, rows: number, nIn: number, nOut: number): void {
  const g = dEdz, w = params;
  let d = 0;
  for (; d + 4 <= rows; d += 4) {
    const g0 = d * nOut, g1 = g0 + nOut, g2 = g1 + nOut, g3 = g2 + nOut;
    const o0 = d * nIn, o1 = o0 + nIn, o2 = o1 + nIn, o3 = o2 + nIn;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let j = 0, wj = wAt + i; j < nOut; j++, wj += nIn) {
        const a0 = w[wj], a1 = w[wj + 1], a2 = w[wj + 2], a3 = w[wj + 3];
        let e = g[g0 + j];
        s00 += e * a0; s01 += e * a1; s02 += e * a2; s03 += e * a3;
        e = g[g1 + j];
        s10 += e * a0; s11 += e * a1; s12 += e * a2; s13 += e * a3;
        e = g[g2 + j];
        s20 += e * a0; s21 += e * a1; s22 += e * a2; s23 += e * a3;
        e = g[g3 + j];
        s30 += e * a0; s31 += e * a1; s32 += e * a2; s33 += e * a3;
      }
      dEdx[o0 + i] = s00; dEdx[o0 + i + 1] = s01; dEdx[o0 + i + 2] = s02; dEdx[o0 + i + 3] = s03;
      dEdx[o1 + i] = s10; dEdx[o1 + i + 1] = s11; dEdx[o1 + i + 2] = s12; dEdx[o1 + i + 3] = s13;
      dEdx[o2 + i] = s20; dEdx[o2 + i + 1] = s21; dEdx[o2 + i + 2] = s22; dEdx[o2 + i + 3] = s23;
      dEdx[o3 + i] = s30; dEdx[o3 + i + 1] = s31; dEdx[o3 + i + 2] = s32; dEdx[o3 + i + 3] = s33;
    }
    for (; i < nIn; i++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0, wj = wAt + i; j < nOut; j++, wj += nIn) {
        const a = w[wj];
        s0 += g[g0 + j] * a; s1 += g[g1 + j] * a; s2 += g[g2 + j] * a; s3 += g[g3 + j] * a;
      }
      dEdx[o0 + i] = s0; dEdx[o1 + i] = s1; dEdx[o2 + i] = s2; dEdx[o3 + i] = s3;
    }
  }
  for (; d < rows; d++) {
    const g0 = d * nOut, o0 = d * nIn;
    let i = 0;
    for (; i + 4 <= nIn; i += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0, wj = wAt + i; j < nOut; j++, wj += nIn) {
        const e = g[g0 + j];
        s0 += e * w[wj]; s1 += e * w[wj + 1]; s2 += e * w[wj + 2]; s3 += e * w[wj + 3];
      }
      dEdx[o0 + i] = s0; dEdx[o0 + i + 1] = s1; dEdx[o0 + i + 2] = s2; dEdx[o0 + i + 3] = s3;
    }
    for (; i < nIn; i++) {
      let s = 0;
      for (let j = 0, wj = wAt + i; j < nOut; j++, wj += nIn) s += g[g0 + j] * w[wj];
      dEdx[o0 + i] = s;
    }
  }
}

/** The plain JavaScript kernels: ordinary Float64Arrays, loops tiled for the JIT. */
export const jsKernels: Kernels = {
  name: 'js',
  allocate: (length) => new Float64Array(length),
  forward,
  weightGradient,
  inputGradient,
};
