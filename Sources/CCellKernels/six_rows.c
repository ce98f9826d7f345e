// RowGEMM's six-row block (`RowGEMM.sixRows`) for CPUs with AVX-512: rows r…r+5 of C by one
// 16-column panel of B, one 16-lane vector per row, or by two panels (twelve vectors, each
// broadcast of A feeding two multiply-adds). `RowGEMM+Wide.swift` says why. Each element is the
// Swift kernel's: its products over k in ascending order, one multiply-add each (fused under
// RECUR_FMA, as `RowGEMM.madd`), starting from zero or from `initial`; then times alpha when it
// is not 1, plus beta·C when beta is not 0. The A element of row i at step kk is
// `a[i·row_stride + kk·k_stride]` for the first `first` steps, then `second[i·second_row_stride
// + kk]` for `second_count` more; B's row kk is `ldb` floats after row kk − 1, in both parts.
#include "CCellKernels.h"
#include <string.h>

typedef float f16 __attribute__((ext_vector_type(16)));

#ifdef RECUR_FMA
#define MADD(a, b, c) __builtin_elementwise_fma((a), (b), (c))
#else
#define MADD(a, b, c) ((a) * (b) + (c))
#endif

#if defined(__x86_64__)
#define AVX512 __attribute__((target("avx512f")))
#else
#define AVX512
#endif
#define INLINE static inline __attribute__((always_inline))

INLINE AVX512 f16 load16(const float *p) { f16 v; memcpy(&v, p, sizeof v); return v; }
INLINE AVX512 void store16(f16 v, float *p) { memcpy(p, &v, sizeof v); }

INLINE AVX512 void accumulate(f16 acc[6], const float *a0, long s, long ks, long count, const float **bp, long ldb) {
    const float *b = *bp;
    f16 s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3], s4 = acc[4], s5 = acc[5];
    const float *a1 = a0 + s, *a2 = a1 + s, *a3 = a2 + s, *a4 = a3 + s, *a5 = a4 + s;
    for (long kk = 0; kk < count; kk++) {
        f16 bv = load16(b);
        long o = kk * ks;
        s0 = MADD((f16)a0[o], bv, s0);
        s1 = MADD((f16)a1[o], bv, s1);
        s2 = MADD((f16)a2[o], bv, s2);
        s3 = MADD((f16)a3[o], bv, s3);
        s4 = MADD((f16)a4[o], bv, s4);
        s5 = MADD((f16)a5[o], bv, s5);
        b += ldb;
    }
    acc[0] = s0; acc[1] = s1; acc[2] = s2; acc[3] = s3; acc[4] = s4; acc[5] = s5;
    *bp = b;
}

AVX512 void recur_six_rows_avx512(const float *a, long row_stride, long k_stride, long first,
                                  const float *second, long second_row_stride, long second_count,
                                  const float *initial, const float *b, long ldb,
                                  float alpha, float beta, float *c, long ldc) {
    f16 acc[6];
    const float *bp = b;
    if (initial) {
        f16 i0 = load16(initial);
        for (int r = 0; r < 6; r++) acc[r] = i0;
        bp += first * ldb;
    } else {
        for (int r = 0; r < 6; r++) acc[r] = (f16)0.0f;
        accumulate(acc, a, row_stride, k_stride, first, &bp, ldb);
    }
    if (second_count > 0) accumulate(acc, second, second_row_stride, 1, second_count, &bp, ldb);
    for (int r = 0; r < 6; r++) {
        f16 v = acc[r];
        float *p = c + r * ldc;
        if (alpha != 1.0f) v = v * alpha;
        if (beta != 0.0f) v = v + beta * load16(p);
        store16(v, p);
    }
}

INLINE AVX512 void accumulate_two_panels(f16 acc[12], const float *a0, long s, long ks, long count, const float **bp, long ldb, long panel) {
    const float *b = *bp;
    f16 s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3], s4 = acc[4], s5 = acc[5];
    f16 t0 = acc[6], t1 = acc[7], t2 = acc[8], t3 = acc[9], t4 = acc[10], t5 = acc[11];
    const float *a1 = a0 + s, *a2 = a1 + s, *a3 = a2 + s, *a4 = a3 + s, *a5 = a4 + s;
    for (long kk = 0; kk < count; kk++) {
        f16 b0 = load16(b), b1 = load16(b + panel);
        long o = kk * ks;
        f16 x = (f16)a0[o]; s0 = MADD(x, b0, s0); t0 = MADD(x, b1, t0);
        x = (f16)a1[o]; s1 = MADD(x, b0, s1); t1 = MADD(x, b1, t1);
        x = (f16)a2[o]; s2 = MADD(x, b0, s2); t2 = MADD(x, b1, t2);
        x = (f16)a3[o]; s3 = MADD(x, b0, s3); t3 = MADD(x, b1, t3);
        x = (f16)a4[o]; s4 = MADD(x, b0, s4); t4 = MADD(x, b1, t4);
        x = (f16)a5[o]; s5 = MADD(x, b0, s5); t5 = MADD(x, b1, t5);
        b += ldb;
    }
    acc[0] = s0; acc[1] = s1; acc[2] = s2; acc[3] = s3; acc[4] = s4; acc[5] = s5;
    acc[6] = t0; acc[7] = t1; acc[8] = t2; acc[9] = t3; acc[10] = t4; acc[11] = t5;
    *bp = b;
}

AVX512 void recur_six_rows_two_panels_avx512(const float *a, long row_stride, long k_stride, long first,
                                  const float *second, long second_row_stride, long second_count,
                                  const float *initial, const float *b, long ldb, long panel_stride,
                                  float alpha, float beta, float *c, long ldc) {
    f16 acc[12];
    const float *bp = b;
    if (initial) {
        f16 i0 = load16(initial), i1 = load16(initial + 16);
        for (int r = 0; r < 6; r++) { acc[r] = i0; acc[6 + r] = i1; }
        bp += first * ldb;
    } else {
        for (int r = 0; r < 12; r++) acc[r] = (f16)0.0f;
        accumulate_two_panels(acc, a, row_stride, k_stride, first, &bp, ldb, panel_stride);
    }
    if (second_count > 0) accumulate_two_panels(acc, second, second_row_stride, 1, second_count, &bp, ldb, panel_stride);
    for (int r = 0; r < 6; r++) {
        for (int h = 0; h < 2; h++) {
            f16 v = acc[h * 6 + r];
            float *p = c + r * ldc + h * 16;
            if (alpha != 1.0f) v = v * alpha;
            if (beta != 0.0f) v = v + beta * load16(p);
            store16(v, p);
        }
    }
}
