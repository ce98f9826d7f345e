// What every kernel file of this target is built with: the vector types, the multiply-add the
// Swift code does (fused under RECUR_FMA, as `VectorMath.fma` and `RowGEMM.madd`; a multiply and
// an add otherwise, never contracted: -ffp-contract=off), and the attribute of the AVX-512 copies.
#ifndef RECUR_KERNEL_BUILD_H
#define RECUR_KERNEL_BUILD_H

typedef float f16 __attribute__((ext_vector_type(16)));
typedef int i16 __attribute__((ext_vector_type(16)));
typedef float f8 __attribute__((ext_vector_type(8)));
typedef int i8 __attribute__((ext_vector_type(8)));

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

#endif
