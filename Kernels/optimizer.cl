// optimizer.cl — one fused optimizer step per parameter tensor (Keras 3 formulas, as the CPU).
// g = clamp(grad[i] · scale, −clip, clip)  (scale = *grad_scale, or 1 when NULL; clip = +INF for none)
// sgd     (code 0, a = momentum, flag = nesterov): a = 0: w −= lr·g; else v = a·v − lr·g, w += flag ? a·v − lr·g : v
// rmsprop (code 1, a = ρ, b = ε, c = momentum):    s = ρ·s + (1−ρ)·g², inc = lr·g/√(s+ε); c = 0: w −= inc;
//                                                  else m = c·m + inc, w −= m
// adam    (code 2, a = β₁, b = β₂, c = ε):         m += (g−m)(1−β₁), v += (g²−v)(1−β₂), w −= α·m/(√v + ε)
// `step` is lr, or Adam's bias-corrected α (computed on the host), times *step_scale when given. slot0 / slot1 are the rule's
// slots in OptimizerRule order (NULL when the rule has fewer).
// optimizer_update: global n, one work-item per parameter element; optimizer_update_rows (CPU
// devices): below. Limits: n < 2³¹.

#define RULE_SGD 0
#define RULE_RMSPROP 1
#define RULE_ADAM 2

inline float swift_max(float x, float y) { return y >= x ? y : x; }
inline float swift_min(float x, float y) { return y < x ? y : x; }
inline float8 swift_max8(float8 x, float8 y) { return select(x, y, y >= x); }
inline float8 swift_min8(float8 x, float8 y) { return select(x, y, y < x); }

// The rules on one value or eight (T float or float8), in registers: `grad` in, the weight and
// the slots updated in place (slots the rule has not are left alone).
#define DEFINE_OPTIMIZER_STEP(T, NAME, MAX, MIN) \
inline void NAME(const int code, const float step, const float a, const float b, const float c, const int flag, \
                 const float clip, const float scale, const T grad, T* w, T* s0, T* s1) { \
    const T g = MIN(MAX(grad * scale, (T)(-clip)), (T)(clip)); \
    if (code == RULE_SGD) { \
        if (a == 0.0f) { \
            *w -= step * g; \
        } else { \
            const T v = a * *s0 - step * g; \
            *s0 = v; \
            *w += flag ? a * v - step * g : v; \
        } \
    } else if (code == RULE_RMSPROP) { \
        const T s = a * *s0 + (1.0f - a) * g * g; \
        *s0 = s; \
        const T increment = step * g / sqrt(s + b); \
        if (c == 0.0f) { \
            *w -= increment; \
        } else { \
            const T m = c * *s1 + increment; \
            *s1 = m; \
            *w -= m; \
        } \
    } else { \
        const T m = *s0 + (g - *s0) * (1.0f - a); \
        const T v = *s1 + (g * g - *s1) * (1.0f - b); \
        *s0 = m; *s1 = v; \
        *w -= step * m / (sqrt(v) + c); \
    } \
}
DEFINE_OPTIMIZER_STEP(float, optimizer_step1, swift_max, swift_min)
DEFINE_OPTIMIZER_STEP(float8, optimizer_step8, swift_max8, swift_min8)

#define OPTIMIZER_PARAMETERS const int n, const int code, const float step_size, const float a, const float b, \
        const float c, const int flag, const float clip, TENSOR(float, w), TENSOR(const float, grad), \
        TENSOR(const float, grad_scale), TENSOR(const float, step_scale), TENSOR(float, slot0), TENSOR(float, slot1)
#define OPTIMIZER_BINDINGS \
    BIND(float, w); BIND(const float, grad); BIND(const float, grad_scale); BIND(const float, step_scale); \
    BIND(float, slot0); BIND(float, slot1); \
    const float step = step_size * (step_scale ? step_scale[0] : 1.0f); \
    const float scale = grad_scale ? grad_scale[0] : 1.0f

inline void optimizer_element(const int i, const int code, const float step, const float a, const float b, const float c,
        const int flag, const float clip, const float scale, __global float* w, __global const float* grad,
        __global float* slot0, __global float* slot1) {
    float wi = w[i], s0 = slot0 ? slot0[i] : 0.0f, s1 = slot1 ? slot1[i] : 0.0f;
    optimizer_step1(code, step, a, b, c, flag, clip, scale, grad[i], &wi, &s0, &s1);
    w[i] = wi;
    if (slot0) slot0[i] = s0;
    if (slot1) slot1[i] = s1;
}

__kernel void optimizer_update(OPTIMIZER_PARAMETERS) {
    const int i = get_global_id(0);
    if (i >= n) return;
    OPTIMIZER_BINDINGS;
    optimizer_element(i, code, step, a, b, c, flag, clip, scale, w, grad, slot0, slot1);
}

// For CPU devices: a work-item per CPU_CHUNK elements (common.cl), eight at a time as float8,
// the same formulas. Launch: global ⌈n / CPU_CHUNK⌉, local 1.
__kernel void optimizer_update_rows(OPTIMIZER_PARAMETERS) {
    OPTIMIZER_BINDINGS;
    const int first = get_group_id(0) * CPU_CHUNK, last = min(n, first + CPU_CHUNK);
    int i = first;
    for (; i + 8 <= last; i += 8) {
        float8 wv = vload8(0, w + i);
        float8 s0 = slot0 ? vload8(0, slot0 + i) : (float8)(0.0f), s1 = slot1 ? vload8(0, slot1 + i) : (float8)(0.0f);
        optimizer_step8(code, step, a, b, c, flag, clip, scale, vload8(0, grad + i), &wv, &s0, &s1);
        vstore8(wv, 0, w + i);
        if (slot0) vstore8(s0, 0, slot0 + i);
        if (slot1) vstore8(s1, 0, slot1 + i);
    }
    for (; i < last; ++i) optimizer_element(i, code, step, a, b, c, flag, clip, scale, w, grad, slot0, slot1);
}
