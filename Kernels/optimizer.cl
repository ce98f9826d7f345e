// optimizer.cl — one fused optimizer step per parameter tensor (Keras 3 formulas, as the CPU).
// g = clamp(grad[i] · scale, −clip, clip)  (scale = *grad_scale, or 1 when NULL; clip = +INF for none)
// sgd     (code 0, a = momentum, flag = nesterov): a = 0: w −= lr·g; else v = a·v − lr·g, w += flag ? a·v − lr·g : v
// rmsprop (code 1, a = ρ, b = ε, c = momentum):    s = ρ·s + (1−ρ)·g², inc = lr·g/√(s+ε); c = 0: w −= inc;
//                                                  else m = c·m + inc, w −= m
// adam    (code 2, a = β₁, b = β₂, c = ε):         m += (g−m)(1−β₁), v += (g²−v)(1−β₂), w −= α·m/(√v + ε)
// `step` is lr, or Adam's bias-corrected α (computed on the host), times *step_scale when given. slot0 / slot1 are the rule's
// slots in OptimizerRule order (NULL when the rule has fewer).
// Launch: global n, one work-item per parameter element. Limits: n < 2³¹.

#define RULE_SGD 0
#define RULE_RMSPROP 1
#define RULE_ADAM 2

inline float swift_max(float x, float y) { return y >= x ? y : x; }
inline float swift_min(float x, float y) { return y < x ? y : x; }

__kernel void optimizer_update(const int n, const int code, const float step_size, const float a, const float b,
        const float c, const int flag, const float clip, TENSOR(float, w), TENSOR(const float, grad),
        TENSOR(const float, grad_scale), TENSOR(const float, step_scale), TENSOR(float, slot0), TENSOR(float, slot1)) {
    int i = get_global_id(0);
    if (i >= n) return;
    BIND(float, w); BIND(const float, grad); BIND(const float, grad_scale); BIND(const float, step_scale);
    BIND(float, slot0); BIND(float, slot1);
    const float step = step_size * (step_scale ? step_scale[0] : 1.0f);
    float scale = grad_scale ? grad_scale[0] : 1.0f;
    float g = swift_min(swift_max(grad[i] * scale, -clip), clip);
    if (code == RULE_SGD) {
        if (a == 0.0f) { w[i] -= step * g; return; }
        float v = a * slot0[i] - step * g;
        slot0[i] = v;
        w[i] += flag ? a * v - step * g : v;
    } else if (code == RULE_RMSPROP) {
        float s = a * slot0[i] + (1.0f - a) * g * g;
        slot0[i] = s;
        float increment = step * g / sqrt(s + b);
        if (c == 0.0f) { w[i] -= increment; return; }
        float m = c * slot1[i] + increment;
        slot1[i] = m;
        w[i] -= m;
    } else {
        float m = slot0[i] + (g - slot0[i]) * (1.0f - a);
        float v = slot1[i] + (g * g - slot1[i]) * (1.0f - b);
        slot0[i] = m; slot1[i] = v;
        w[i] -= step * m / (sqrt(v) + c);
    }
}
