// Lane-wise IEEE square root of eight floats, for `VectorMath.squareRoot`. Clang lowers the
// builtin to one vector instruction (`vsqrtps` on AVX); Swift's `Float.squareRoot()` on Linux
// keeps a libm `sqrtf` call on the negative path, which stops the loops around it from being
// vectorized. `ext_vector_type(8)` imports into Swift as `SIMD8<Float>`.
typedef float recur_float8 __attribute__((ext_vector_type(8)));

static inline recur_float8 recur_sqrt8(recur_float8 x) { return __builtin_elementwise_sqrt(x); }

// Asks for the cache line holding `p` ahead of its use; no fault on any address.
static inline void recur_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

// A spin-wait hint (x86 `pause`): lets the sibling hyperthread run and saves power while a
// worker polls for its next job.
#if defined(__x86_64__)
static inline void recur_spin_pause(void) { __builtin_ia32_pause(); }
#endif
