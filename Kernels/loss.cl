// loss.cl — cross-entropy losses and accuracy over a [B, C] batch, deterministic (no atomics).
// cross_entropy: value = (accumulate ? value : 0) + (1/B) Σ_rows ℓ_row, and grad = d(mean ℓ)/d(pred) when given.
//   binary, logits:       ℓ_k = max(z,0) − z·y + log1p(e^−|z|), g = (σ(z) − y)/(B·C), ℓ_row = Σ_k ℓ_k / C
//   binary, probabilities: q = clamp(p, ε, 1−ε), ℓ_k = −(y·log q + (1−y)·log(1−q)),
//                          g = (q − y)/(q(1−q))/(B·C) inside (ε, 1−ε), else 0
//   categorical (sparse: y = one-hot of the index, all-zero when out of range), S = Σ_k y_k:
//     logits:        lse = max + log Σ e^(z−max), ℓ_row = Σ_k y_k (lse − z_k), g = (e^(z_k−lse)·S − y_k)/B
//     probabilities: P = Σ p, ℓ_row = −Σ_k y_k log clamp(p_k/P, ε, 1−ε), g = (S'/P − y_k/p_k)/B, where the
//                    clip passes no gradient: S' sums y over classes with p/P in (ε, 1−ε) and the
//                    y_k/p_k term is 0 for a clipped class (or y_k = 0)
// accuracy_count: correct += #correct (binary: (z > 0 | p > 0.5) == (y > 0.5) per output; sparse:
//   argmax = index; categorical: argmax = argmax of labels; argmax = first largest).
// Launch: exactly one work-group, global = local = LOSS_WG. Work-item l takes rows l, l+LOSS_WG, …
// in order (its row math matches LossMath.swift), then a fixed tree in local memory sums the
// partials, so the result is the same on every run. Limits: B·C < 2³¹; one work-item walks a whole
// row, so very wide rows (C in the tens of thousands) with few rows use few work-items.

#define LOSS_WG 256
#define LOSS_BINARY 0
#define LOSS_CATEGORICAL 1
#define LOSS_SPARSE 2
#define INPUT_LOGITS 0
#define LOSS_EPS 1e-7f

inline float swift_max(float x, float y) { return y >= x ? y : x; }
inline float swift_min(float x, float y) { return y < x ? y : x; }

// Σ_k ℓ_k / C for one row of binary outputs; g (nullable) gets d·scale.
inline float binary_row(int input, int C, __global const float* p, __global const float* y, __global float* g,
        float scale) {
    float sum = 0.0f;
    for (int k = 0; k < C; ++k) {
        float z = p[k], t = y[k], l, d;
        if (input == INPUT_LOGITS) {
            l = swift_max(z, 0.0f) - z * t + log1p(exp(-fabs(z)));
            d = sigmoid_stable(z) - t;
        } else {
            float q = swift_min(swift_max(z, LOSS_EPS), 1.0f - LOSS_EPS);
            l = -(t * log(q) + (1.0f - t) * log(1.0f - q));
            d = (z > LOSS_EPS && z < 1.0f - LOSS_EPS) ? (q - t) / (q * (1.0f - q)) : 0.0f;
        }
        sum += l;
        if (g) g[k] = d * scale;
    }
    return sum / (float)C;
}

// Label weight k of a categorical row: values y, or the one-hot of `index` when y is NULL.
inline float label_at(__global const float* y, int index, int k) { return y ? y[k] : (k == index ? 1.0f : 0.0f); }

inline bool unclipped(float q) { return q > LOSS_EPS && q < 1.0f - LOSS_EPS; }

inline float categorical_row(int input, int C, __global const float* p, __global const float* y, int index,
        __global float* g, float scale) {
    float loss = 0.0f;
    if (input == INPUT_LOGITS) {
        float label_sum = 0.0f;
        for (int k = 0; k < C; ++k) label_sum += label_at(y, index, k);
        float m = -INFINITY;
        for (int k = 0; k < C; ++k) m = swift_max(m, p[k]);
        float s = 0.0f;
        for (int k = 0; k < C; ++k) s += exp(p[k] - m);
        float lse = m + log(s);
        for (int k = 0; k < C; ++k) {
            float t = label_at(y, index, k);
            loss += t * (lse - p[k]);
            if (g) g[k] = scale * (exp(p[k] - lse) * label_sum - t);
        }
    } else {
        float total = 0.0f;
        for (int k = 0; k < C; ++k) total += p[k];
        // The clip passes no gradient: only the labels of unclipped classes enter.
        float inside_sum = 0.0f;
        for (int k = 0; k < C; ++k) if (unclipped(p[k] / total)) inside_sum += label_at(y, index, k);
        for (int k = 0; k < C; ++k) {
            float t = label_at(y, index, k), r = p[k] / total;
            float q = swift_min(swift_max(r, LOSS_EPS), 1.0f - LOSS_EPS);
            loss -= t * log(q);
            if (g) g[k] = scale * (inside_sum / total - (t != 0.0f && unclipped(r) ? t / p[k] : 0.0f));
        }
    }
    return loss;
}

inline int argmax_row(__global const float* p, int C) {
    int best = 0;
    for (int k = 1; k < C; ++k) if (p[k] > p[best]) best = k;
    return best;
}

// row_scale = 1/B and element_scale = 1/(B·C), computed on the host as the CPU does.
__kernel __attribute__((reqd_work_group_size(LOSS_WG, 1, 1)))
void cross_entropy(const int kind, const int input, const int B, const int C, const float row_scale, const float element_scale,
        const int accumulate, TENSOR(const float, pred), TENSOR(const int, label_idx), TENSOR(const float, label_val),
        TENSOR(float, value), TENSOR(float, grad)) {
    __local float partial[LOSS_WG];
    BIND(const float, pred); BIND(const int, label_idx); BIND(const float, label_val); BIND(float, value); BIND(float, grad);
    int lid = get_local_id(0);
    float acc = 0.0f;
    for (int r = lid; r < B; r += LOSS_WG) {
        __global const float* p = pred + r * C;
        __global float* g = grad ? grad + r * C : 0;
        if (kind == LOSS_BINARY) acc += binary_row(input, C, p, label_val + r * C, g, element_scale);
        else if (kind == LOSS_SPARSE) acc += categorical_row(input, C, p, 0, label_idx[r], g, row_scale);
        else acc += categorical_row(input, C, p, label_val + r * C, -1, g, row_scale);
    }
    partial[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = LOSS_WG / 2; s > 0; s >>= 1) {
        if (lid < s) partial[lid] += partial[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        float mean = partial[0] / (float)B;
        value[0] = accumulate ? value[0] + mean : mean;
    }
}

__kernel __attribute__((reqd_work_group_size(LOSS_WG, 1, 1)))
void accuracy_count(const int kind, const int input, const int B, const int C, TENSOR(const float, pred),
        TENSOR(const int, label_idx), TENSOR(const float, label_val), TENSOR(float, correct)) {
    __local int partial[LOSS_WG];
    BIND(const float, pred); BIND(const int, label_idx); BIND(const float, label_val); BIND(float, correct);
    int lid = get_local_id(0);
    int count = 0;
    for (int r = lid; r < B; r += LOSS_WG) {
        __global const float* p = pred + r * C;
        if (kind == LOSS_BINARY) {
            float threshold = input == INPUT_LOGITS ? 0.0f : 0.5f;
            __global const float* y = label_val + r * C;
            for (int k = 0; k < C; ++k) if ((p[k] > threshold) == (y[k] > 0.5f)) ++count;
        } else if (kind == LOSS_SPARSE) {
            if (argmax_row(p, C) == label_idx[r]) ++count;
        } else {
            if (argmax_row(p, C) == argmax_row(label_val + r * C, C)) ++count;
        }
    }
    partial[lid] = count;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = LOSS_WG / 2; s > 0; s >>= 1) {
        if (lid < s) partial[lid] += partial[lid + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) correct[0] += (float)partial[0];
}
