// Lane-wise IEEE square root of eight floats, for `VectorMath.squareRoot`. Clang lowers the
// builtin to one vector instruction (`vsqrtps` on AVX); Swift's `Float.squareRoot()` on Linux
// keeps a libm `sqrtf` call on the negative path, which stops the loops around it from being
// vectorized. `ext_vector_type(8)` imports into Swift as `SIMD8<Float>`.
typedef float recur_float8 __attribute__((ext_vector_type(8)));

static inline recur_float8 recur_sqrt8(recur_float8 x) { return __builtin_elementwise_sqrt(x); }

// Asks for the cache line holding `p` ahead of its use; no fault on any address. Into L2, not
// L1 (locality 2, `prefetcht1`): a step's rows of a projected table are as large as L1 (64 rows
// of 512 B per worker on lstm-imdb) and would evict the product's operands that run meanwhile.
// The embedding gradient's rows, asked for 8 ahead, go to L2 as well: the numbers are for both
// callers on L2 against both on L1, interleaved, medians of 20-step runs: bilstm 25.1 → 24.6 ms
// (inference 4.33 → 4.09), stacked-bilstm 74.3 → 73.5 (23.8 → 23.2), lstm-imdb 24.15–24.30 →
// 23.60–23.70.
static inline void recur_prefetch(const void *p) { __builtin_prefetch(p, 0, 2); }

// A spin-wait hint (x86 `pause`): lets the sibling hyperthread run and saves power while a
// worker polls for its next job.
#if defined(__x86_64__)
static inline void recur_spin_pause(void) { __builtin_ia32_pause(); }
#endif
