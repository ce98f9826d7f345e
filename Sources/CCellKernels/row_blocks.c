// RowGEMM's blocks of six, four and three rows (`RowGEMM.sixRows`, `RowGEMM.fewRows`) for CPUs
// with AVX-512: R rows of C by one 16-column panel of B, one 16-lane vector per row, or by two
// panels (each broadcast of A feeding two multiply-adds). `RowGEMM+Wide.swift` says why. Each
// element is the Swift kernels': its products over k in ascending order, one multiply-add each
// (fused under RECUR_FMA, as `RowGEMM.madd`), starting from zero or from `initial`; then times
// alpha when it is not 1, plus beta·C when beta is not 0. The A element of row i at step kk is
// `a[i·row_stride + kk·k_stride]` for the first `first` steps, then `second[i·second_row_stride
// + kk]` for `second_count` more; B's row kk is `ldb` floats after row kk − 1, in both parts.
#include "CCellKernels.h"
#include <string.h>
#include "kernel_build.h"

INLINE AVX512 f16 load16(const float *p) { f16 v; memcpy(&v, p, sizeof v); return v; }
INLINE AVX512 void store16(f16 v, float *p) { memcpy(p, &v, sizeof v); }

// `count` steps of rows i < R into sums[p·R + i] for panels p < P; `*bp` moves past them. R and P
// are constants at every call, so the sums stay in registers.
INLINE AVX512 void accumulate(int R, int P, f16 *sums, const float *a0, long s, long ks, long count, const float **bp,
                              long ldb, long panel_stride) {
    const float *b = *bp;
    f16 acc[12];
    for (int i = 0; i < P * R; i++) acc[i] = sums[i];
    for (long kk = 0; kk < count; kk++) {
        f16 b0 = load16(b), b1 = P == 2 ? load16(b + panel_stride) : b0;
        long o = kk * ks;
        for (int i = 0; i < R; i++) {
            f16 x = (f16)a0[i * s + o];
            acc[i] = MADD(x, b0, acc[i]);
            if (P == 2) acc[R + i] = MADD(x, b1, acc[R + i]);
        }
        b += ldb;
    }
    for (int i = 0; i < P * R; i++) sums[i] = acc[i];
    *bp = b;
}

INLINE AVX512 void block(int R, int P, const float *a, long row_stride, long k_stride, long first,
                         const float *second, long second_row_stride, long second_count,
                         const float *initial, const float *b, long ldb, long panel_stride,
                         float alpha, float beta, float *c, long ldc) {
    f16 sums[12];
    const float *bp = b;
    if (initial) {
        for (int p = 0; p < P; p++) {
            f16 start = load16(initial + 16 * p);
            for (int i = 0; i < R; i++) sums[p * R + i] = start;
        }
        bp += first * ldb;
    } else {
        for (int i = 0; i < P * R; i++) sums[i] = (f16)0.0f;
        accumulate(R, P, sums, a, row_stride, k_stride, first, &bp, ldb, panel_stride);
    }
    if (second_count > 0) accumulate(R, P, sums, second, second_row_stride, 1, second_count, &bp, ldb, panel_stride);
    for (int p = 0; p < P; p++) {
        for (int i = 0; i < R; i++) {
            f16 v = sums[p * R + i];
            float *out = c + i * ldc + 16 * p;
            if (alpha != 1.0f) v = v * alpha;
            if (beta != 0.0f) v = v + beta * load16(out);
            store16(v, out);
        }
    }
}

// One function per row and panel count: a single entry switching over inlined copies measured
// slower on short blocks ([9, 64] × [64, 256]: 113 → 99 GFLOP/s a core, its frame the largest
// copy's); the header's `recur_row_block_avx512` picks among these instead.
#define DEFINE_BLOCK(R, P)                                                                         \
    AVX512 void recur_rows##R##_panels##P##_avx512(                                                \
        const float *a, long row_stride, long k_stride, long first, const float *second, long second_row_stride, \
        long second_count, const float *initial, const float *b, long ldb, long panel_stride, float alpha, \
        float beta, float *c, long ldc) {                                                          \
        block(R, P, a, row_stride, k_stride, first, second, second_row_stride, second_count, initial, b, ldb, \
              panel_stride, alpha, beta, c, ldc);                                                  \
    }

DEFINE_BLOCK(6, 1)
DEFINE_BLOCK(6, 2)
DEFINE_BLOCK(4, 1)
DEFINE_BLOCK(4, 2)
DEFINE_BLOCK(3, 1)
DEFINE_BLOCK(3, 2)
