// common.cl — prepended to every program.
// Tensor arguments arrive as (buffer, element offset) pairs so a whole training step can live
// in one arena allocation: TENSOR declares the pair, BIND makes the offset pointer (NULL stays
// NULL, which is how optional tensors are passed). Activation codes match Swift's `Activation`.

#define TENSOR(T, name) __global T* name##_base, const int name##_off
#define BIND(T, name) __global T* name = name##_base ? name##_base + name##_off : 0

// a·b + c in the CPU-device kernels' register tiles: one fused instruction where the device has
// one (FP_FAST_FMAF, or a CPU target with FMA: PoCL defines only the latter), as the CPU
// backend's products do; `mad` compiled to a multiply and an add on PoCL, twice the
// instructions in the loops' products. Elsewhere `mad`.
#if defined(FP_FAST_FMAF) || defined(__FMA__)
#define TILE_FMA(a, b, c) fma(a, b, c)
#else
#define TILE_FMA(a, b, c) mad(a, b, c)
#endif

// Asks for the cache line holding `p` on a CPU device (clang on x86-64 or AArch64, as PoCL
// compiles there): OpenCL's own prefetch() is a no-op in PoCL's kernel library. Elsewhere
// nothing (a GPU keeps its own caches).
#if defined(__clang__) && (defined(__x86_64__) || defined(__aarch64__))
#define PREFETCH_LINE(p) __builtin_prefetch((const void*)(ulong)(p), 0, 3)
#else
#define PREFETCH_LINE(p)
#endif

// How many rows ahead a CPU-device kernel reading rows scattered through memory asks for them:
// enough to keep several rows' lines in flight (the CPU backend's EmbeddingGradient distance).
#define PREFETCH_ROWS 8

// Asks for the lines of the `count` floats from p, one request per 16 floats (a line's worth):
// each of their lines where p starts one (a span that may start mid-line also wants its last).
inline __attribute__((always_inline)) void prefetch_floats(__global const float* p, const int count) {
    for (int l = 0; l < count; l += 16) PREFETCH_LINE(p + l);
}

// vload8 / vstore8 (and vload16 / vstore16) as one unaligned 32-byte (64-byte) access on a CPU
// device (clang on x86-64 or AArch64): PoCL's kernel library builds them from narrower pieces
// (four 8-byte loads, two 16-byte stores), and a load of a row just stored in halves misses
// store forwarding. A vector type of float alignment is what clang lowers to a single unaligned
// access. Elsewhere the builtins.
#if defined(__clang__) && (defined(__x86_64__) || defined(__aarch64__))
typedef float float8_unaligned __attribute__((ext_vector_type(8), aligned(4)));
typedef float float16_unaligned __attribute__((ext_vector_type(16), aligned(4)));
#define RECUR_VECTOR_ACCESS(AS, N) \
inline __attribute__((overloadable, always_inline)) float##N recur_vload##N(const size_t i, AS const float* p) { \
    return *(AS const float##N##_unaligned*)(p + N * i); \
} \
inline __attribute__((overloadable, always_inline)) void recur_vstore##N(const float##N v, const size_t i, AS float* p) { \
    *(AS float##N##_unaligned*)(p + N * i) = v; \
}
RECUR_VECTOR_ACCESS(__global, 8)
RECUR_VECTOR_ACCESS(__local, 8)
RECUR_VECTOR_ACCESS(__private, 8)
RECUR_VECTOR_ACCESS(__global, 16)
RECUR_VECTOR_ACCESS(__local, 16)
RECUR_VECTOR_ACCESS(__private, 16)
#undef RECUR_VECTOR_ACCESS
#undef vload8
#undef vstore8
#undef vload16
#undef vstore16
#define vload8(i, p) recur_vload8((size_t)(i), p)
#define vstore8(v, i, p) recur_vstore8(v, (size_t)(i), p)
#define vload16(i, p) recur_vload16((size_t)(i), p)
#define vstore16(v, i, p) recur_vstore16(v, (size_t)(i), p)
#endif

// The CPU-device kernels' vector (`lanes`, CPU_LANES floats): sixteen lanes where the device
// compiles for AVX-512 (PoCL on such a CPU does, and keeps a float16 in one register), else
// eight. Each lane's arithmetic is the same either way (same bits); sixteen halve the
// instructions, which the recurrent cells' activation chains are bound by (PoCL, lstm-imdb:
// inference 6.2 → 5.1 ms with the forward cell alone on sixteen). Eight lanes where a vector of
// sixteen would be two: recurrent_loop.cl's register tiles hold sixteen accumulators, which
// AVX2's sixteen registers could not hold twice over.
#if defined(__AVX512F__)
#define CPU_LANES 16
typedef float16 lanes;
typedef int16 int_lanes;
typedef float8 half_lanes;
#define as_lanes as_float16
#define as_int_lanes as_int16
#define vload_lanes vload16
#define vstore_lanes vstore16
#define vload_half_lanes vload8
#define vstore_half_lanes vstore8
#else
#define CPU_LANES 8
typedef float8 lanes;
typedef int8 int_lanes;
typedef float4 half_lanes;
#define as_lanes as_float8
#define as_int_lanes as_int8
#define vload_lanes vload8
#define vstore_lanes vstore8
#define vload_half_lanes vload4
#define vstore_half_lanes vstore4
#endif

// Rows a work-item of recurrent_loop.cl's row kernels carries (OpenCLBackend.rowsPerRowKernelItem):
// U's vectors are read once for all of them, and rows in padding share one stand-in among them.
#define ROWS_PER_ITEM 8

// Whether row r of a training loop's gate gradients ([T, batch, ·], time-major) is one its
// backward left zero, given the leading paddings `padding` its forward shared by
// (recurrent_loop.cl's row kernels, ROWS_PER_ITEM batch rows a work-item): at timestep t, a row
// in its padding whose next row in the same item is in padding too (the last of them stood for
// them).
inline bool zero_row(__global const int* padding, const int batch, const int r) {
    const int t = r / batch, row = r - t * batch;
    return row % ROWS_PER_ITEM != ROWS_PER_ITEM - 1 && row + 1 < batch && padding[row + 1] > t;
}

// CPU devices pay per work-item and per work-group, so the `*_rows` kernels give one work-item
// (local size 1) CPU_CHUNK consecutive elements, moved eight at a time as float8; GPUs keep a
// work-item per element. OpenCLBackend.cpuChunk is the same number.
#define CPU_CHUNK 8192

#define ACT_LINEAR 0
#define ACT_TANH 1
#define ACT_SIGMOID 2
#define ACT_RELU 3
#define ACT_HARD_SIGMOID 4

inline float sigmoid_stable(float x) {
    if (x >= 0.0f) return 1.0f / (1.0f + exp(-x));
    float e = exp(x);
    return e / (1.0f + e);
}

inline float activate(int kind, float x) {
    switch (kind) {
    case ACT_TANH: return tanh(x);
    case ACT_SIGMOID: return sigmoid_stable(x);
    case ACT_RELU: return x > 0.0f ? x : 0.0f;
    case ACT_HARD_SIGMOID: return clamp(x + 3.0f, 0.0f, 6.0f) / 6.0f;
    default: return x;
    }
}

// f'(x) from y = f(x); for the piecewise ones y says which piece x was on.
inline float activate_grad(int kind, float y) {
    switch (kind) {
    case ACT_TANH: return 1.0f - y * y;
    case ACT_SIGMOID: return y * (1.0f - y);
    case ACT_RELU: return y > 0.0f ? 1.0f : 0.0f;
    case ACT_HARD_SIGMOID: return (y > 0.0f && y < 1.0f) ? (1.0f / 6.0f) : 0.0f;
    default: return 1.0f;
    }
}
