// Why C: Swift compiles a function for one instruction set, the build's (AVX2 + FMA in release
// builds), and has no way to compile a second copy for a wider one chosen at run time. These
// passes are what a cell step costs on the CPU backend (a sigmoid or tanh per value), and they
// are bound by how many of their long dependency chains the core holds in flight; an AVX-512
// instruction carries 16 lanes of a chain where an AVX2 one carries 8. Each pass is built for
// AVX-512 and for the build's baseline; `CellKernels` (Swift) picks one per CPU, so one binary
// runs everywhere. Measured on the development machine's Zen 4 (LSTM forward cells, 64 rows, ns
// per eight units, H = 32 and 64): Swift's AVX2 passes 24.4 and 22.4, these 16.7 and 14.7 with
// AVX-512, 20.2 and 19.1 in the baseline copy.
//
// The math is `VectorMath`'s (Eigen's tanh, Cephes's exp, 1 / (1 + e^−x)) written again here,
// operation for operation: a lane's result does not depend on the vector width, so every copy
// gives the same bits as the Swift code (`CellKernelsTests` compares them exactly). Built with
// -ffp-contract=off (Package.swift): a multiply-add is fused only where `VectorMath.fma` fuses
// one, under RECUR_FMA, as in Swift.

#include "CCellKernels.h"
#include <string.h>
#include "kernel_build.h"

// The math on vectors of type V (integer lanes I), as functions NAME_exp, NAME_tanh, … carrying
// ATTR: each copy of a pass calls helpers built for its own instruction set (clang refuses a
// 16-lane vector argument across the two).
#define DEFINE_MATH(V, I, ATTR, NAME)                                                              \
    INLINE ATTR V NAME##_clamp(V x, float lower, float upper) {                                    \
        x = x > (V)upper ? (V)upper : x;                                                           \
        return x < (V)lower ? (V)lower : x;                                                        \
    }                                                                                              \
    INLINE ATTR V NAME##_exp(V x) {                                                                \
        x = NAME##_clamp(x, -87.3365478515625f, 88.3762626647949f);                                \
        V magic = (V)12582912.0f;                                                                  \
        V shifted = MADD(x, (V)1.44269504088896341f, magic);                                       \
        V n = shifted - magic;                                                                     \
        V r = MADD(n, (V)-0.693359375f, x);                                                        \
        r = MADD(n, (V)2.12194440e-4f, r);                                                         \
        V r2 = r * r;                                                                              \
        V y = MADD((V)1.9875691500e-4f, r, (V)1.3981999507e-3f);                                   \
        y = MADD(y, r, (V)8.3334519073e-3f);                                                       \
        y = MADD(y, r, (V)4.1665795894e-2f);                                                       \
        y = MADD(y, r, (V)1.6666665459e-1f);                                                       \
        y = MADD(y, r, (V)5.0000001201e-1f);                                                       \
        y = MADD(y, r2, r);                                                                        \
        y = y + (V)1.0f;                                                                           \
        I integer = (I)shifted - 0x4B400000;                                                       \
        return y * (V)((integer + 127) << 23);                                                     \
    }                                                                                              \
    INLINE ATTR V NAME##_sigmoid(V x) {                                                            \
        V denominator = (V)1.0f + NAME##_exp(-x);                                                  \
        return (V)1.0f / denominator;                                                              \
    }                                                                                              \
    INLINE ATTR V NAME##_tanh(V x) {                                                               \
        V clamped = NAME##_clamp(x, -7.90531110763549805f, 7.90531110763549805f);                  \
        V x2 = clamped * clamped;                                                                  \
        V p = MADD(x2, (V)-2.76076847742355e-16f, (V)2.00018790482477e-13f);                       \
        p = MADD(x2, p, (V)-8.60467152213735e-11f);                                                \
        p = MADD(x2, p, (V)5.12229709037114e-08f);                                                 \
        p = MADD(x2, p, (V)1.48572235717979e-05f);                                                 \
        p = MADD(x2, p, (V)6.37261928875436e-04f);                                                 \
        p = MADD(x2, p, (V)4.89352455891786e-03f);                                                 \
        p = clamped * p;                                                                           \
        V q = MADD(x2, (V)1.19825839466702e-06f, (V)1.18534705686654e-04f);                        \
        q = MADD(x2, q, (V)2.26843463243900e-03f);                                                 \
        q = MADD(x2, q, (V)4.89352518554385e-03f);                                                 \
        I tiny = (x < (V)0.0004f) & (x > (V)-0.0004f);                                             \
        V quotient = p / q;                                                                        \
        return tiny ? x : quotient;                                                                \
    }                                                                                              \
    INLINE ATTR V NAME##_load(const float *p) {                                                    \
        V v;                                                                                       \
        memcpy(&v, p, sizeof v);                                                                   \
        return v;                                                                                  \
    }                                                                                              \
    INLINE ATTR void NAME##_store(V v, float *p) { memcpy(p, &v, sizeof v); }

// Sixteen lanes, then eight, then the first `count` (< 8) lanes of eight with the others zero
// (as Swift's tail loads): NAME16_…, NAME8_…, NAME8_load_partial, NAME8_store_partial.
#define DEFINE_WIDTHS(ATTR, NAME)                                                                  \
    DEFINE_MATH(f16, i16, ATTR, NAME##16)                                                          \
    DEFINE_MATH(f8, i8, ATTR, NAME##8)                                                             \
    INLINE ATTR f8 NAME##8_load_partial(const float *p, long count) {                              \
        float lanes[8] = {0};                                                                      \
        memcpy(lanes, p, (size_t)count * sizeof(float));                                           \
        return NAME##8_load(lanes);                                                                \
    }                                                                                              \
    INLINE ATTR void NAME##8_store_partial(f8 v, float *p, long count) {                           \
        float lanes[8];                                                                            \
        NAME##8_store(v, lanes);                                                                   \
        memcpy(p, lanes, (size_t)count * sizeof(float));                                           \
    }

DEFINE_WIDTHS(, baseline)
DEFINE_WIDTHS(AVX512, avx512)

// BODY over lanes 0..<COUNT: 16 at a time, then 8, then the last `w` (< 8) through partial
// loads and stores. BODY(V, W, LOAD, STORE, …) works on lanes j…, reading with LOAD(p …) and
// writing with STORE(v, p …), its math from W (NAME16 or NAME8): the trailing `, w` of the tail
// goes to every LOAD and STORE.
#define OVER_LANES(NAME, COUNT, BODY)                                                              \
    {                                                                                              \
        long j = 0, count_ = (COUNT);                                                              \
        for (; j + 16 <= count_; j += 16) BODY(f16, NAME##16, NAME##16_load, NAME##16_store)       \
        for (; j + 8 <= count_; j += 8) BODY(f8, NAME##8, NAME##8_load, NAME##8_store)             \
        if (j < count_) {                                                                          \
            long w = count_ - j;                                                                   \
            BODY(f8, NAME##8, NAME##8_load_partial, NAME##8_store_partial, , w)                    \
        }                                                                                          \
    }

// out = act((x + r) + bias), as Swift's left-to-right `x + r + bias`.
#define SIGMOID_SUM(V, W, LOAD, STORE, ...)                                                        \
    STORE(W##_sigmoid(LOAD(x + j __VA_ARGS__) + LOAD(r + j __VA_ARGS__) + LOAD(bias + j __VA_ARGS__)), out + j __VA_ARGS__);
#define TANH_SUM(V, W, LOAD, STORE, ...)                                                           \
    STORE(W##_tanh(LOAD(x + j __VA_ARGS__) + LOAD(r + j __VA_ARGS__) + LOAD(bias + j __VA_ARGS__)), out + j __VA_ARGS__);

// c = f·c₋₁ + i·g (the two products, then their sum), tanh(c) saved after the gates, h = o·tanh(c).
#define LSTM_STATE(V, W, LOAD, STORE, ...)                                                         \
    {                                                                                              \
        V i = LOAD(gates + j __VA_ARGS__), f = LOAD(gates + h + j __VA_ARGS__);                    \
        V g = LOAD(gates + 2 * h + j __VA_ARGS__);                                                 \
        V c = f * LOAD(cp + j __VA_ARGS__) + i * g;                                                \
        STORE(c, cn + j __VA_ARGS__);                                                              \
        V tc = W##_tanh(c);                                                                        \
        STORE(tc, gates + 4 * h + j __VA_ARGS__);                                                  \
        STORE(LOAD(gates + 3 * h + j __VA_ARGS__) * tc, hn + j __VA_ARGS__);                       \
    }

// One LSTM row's backward with Keras's activations: the state gradient (carried, then the
// recurrent one times its dropout mask, then the output's), the gate gradients, the carried
// cell gradient; the carried state gradient zeroed. `VectorMath.derivative`'s forms: tanh
// 1 − y·y, sigmoid y·(1 − y).
#define LSTM_BACKWARD(V, W, LOAD, STORE, ...)                                                      \
    {                                                                                              \
        V dh = LOAD(carried + j __VA_ARGS__);                                                      \
        if (recurrent) {                                                                           \
            V rg = LOAD(recurrent + j __VA_ARGS__);                                                \
            dh = dh + rg * (dropout ? LOAD(dropout + j __VA_ARGS__) : (V)1.0f);                    \
        }                                                                                          \
        if (output) dh = dh + LOAD(output + j __VA_ARGS__);                                        \
        V i = LOAD(saved + j __VA_ARGS__), f = LOAD(saved + h + j __VA_ARGS__);                    \
        V g = LOAD(saved + 2 * h + j __VA_ARGS__), o = LOAD(saved + 3 * h + j __VA_ARGS__);        \
        V tc = LOAD(saved + 4 * h + j __VA_ARGS__);                                                \
        V dct = LOAD(dc + j __VA_ARGS__) + dh * o * ((V)1.0f - tc * tc);                           \
        STORE(dct * g * (i * ((V)1.0f - i)), dz + j __VA_ARGS__);                                  \
        STORE(dct * LOAD(cp + j __VA_ARGS__) * (f * ((V)1.0f - f)), dz + h + j __VA_ARGS__);       \
        STORE(dct * i * ((V)1.0f - g * g), dz + 2 * h + j __VA_ARGS__);                            \
        STORE(dh * tc * (o * ((V)1.0f - o)), dz + 3 * h + j __VA_ARGS__);                          \
        STORE(dct * f, dc + j __VA_ARGS__);                                                        \
        STORE((V)0.0f, carried + j __VA_ARGS__);                                                   \
    }

// GRU's update and reset gates: σ(((x + bx) + r) + bh), as `CellMath.gruGates`.
#define GRU_GATES(V, W, LOAD, STORE, ...)                                                          \
    STORE(W##_sigmoid(LOAD(x + j __VA_ARGS__) + LOAD(bx + j __VA_ARGS__) + LOAD(r + j __VA_ARGS__) \
                      + LOAD(bh + j __VA_ARGS__)), gates + j __VA_ARGS__);

// A GRU row's state (reset after the product) from its z and r: ĥ = tanh((x + bx) + r·(ρ + bh)),
// h = z·h̄ + (1 − z)·ĥ with h̄ the previous state (times the recurrent dropout mask, when
// `dropout`); ĥ and ρ + bh saved after the gates.
#define GRU_STATE(V, W, LOAD, STORE, ...)                                                          \
    {                                                                                              \
        V z = LOAD(gates + j __VA_ARGS__), rr = LOAD(gates + h + j __VA_ARGS__);                   \
        V ph = LOAD(r + 2 * h + j __VA_ARGS__) + LOAD(bh + 2 * h + j __VA_ARGS__);                 \
        V hh = W##_tanh(LOAD(x + 2 * h + j __VA_ARGS__) + LOAD(bx + 2 * h + j __VA_ARGS__) + rr * ph); \
        V hbar = LOAD(hp + j __VA_ARGS__);                                                         \
        if (dropout) hbar = hbar * LOAD(dropout + j __VA_ARGS__);                                  \
        STORE(z * hbar + ((V)1.0f - z) * hh, hn + j __VA_ARGS__);                                  \
        STORE(hh, gates + 2 * h + j __VA_ARGS__);                                                  \
        STORE(ph, gates + 3 * h + j __VA_ARGS__);                                                  \
    }

#define DEFINE_PASSES(ATTR, NAME)                                                                  \
    INLINE ATTR void NAME##_sigmoid_sum(const float *x, const float *r, const float *bias, float *out, long count) { \
        OVER_LANES(NAME, count, SIGMOID_SUM)                                                       \
    }                                                                                              \
    INLINE ATTR void NAME##_tanh_sum(const float *x, const float *r, const float *bias, float *out, long count) { \
        OVER_LANES(NAME, count, TANH_SUM)                                                          \
    }                                                                                              \
    ATTR void recur_sigmoid_sum_##NAME(const float *x, const float *r, const float *bias, float *out, long count) { \
        NAME##_sigmoid_sum(x, r, bias, out, count);                                                \
    }                                                                                              \
    ATTR void recur_tanh_sum_##NAME(const float *x, const float *r, const float *bias, float *out, long count) { \
        NAME##_tanh_sum(x, r, bias, out, count);                                                   \
    }                                                                                              \
    ATTR void recur_lstm_forward_row_##NAME(const float *x, const float *r, const float *bias, float *gates, long h, \
                                            const float *cp, float *cn, float *hn) {               \
        NAME##_sigmoid_sum(x, r, bias, gates, 2 * h);                                              \
        NAME##_tanh_sum(x + 2 * h, r + 2 * h, bias + 2 * h, gates + 2 * h, h);                     \
        NAME##_sigmoid_sum(x + 3 * h, r + 3 * h, bias + 3 * h, gates + 3 * h, h);                  \
        OVER_LANES(NAME, h, LSTM_STATE)                                                            \
    }                                                                                              \
    ATTR void recur_gru_forward_row_##NAME(const float *x, const float *bx, const float *r, const float *bh, \
                                           float *gates, long h, const float *hp, const float *dropout, float *hn) { \
        OVER_LANES(NAME, 2 * h, GRU_GATES)                                                         \
        OVER_LANES(NAME, h, GRU_STATE)                                                             \
    }                                                                                              \
    ATTR void recur_lstm_backward_row_##NAME(const float *saved, long h, float *carried, const float *recurrent, \
                                             const float *dropout, const float *output, const float *cp, float *dc, \
                                             float *dz) {                                          \
        OVER_LANES(NAME, h, LSTM_BACKWARD)                                                         \
    }

DEFINE_PASSES(, baseline)
DEFINE_PASSES(AVX512, avx512)

int recur_cpu_has_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}
