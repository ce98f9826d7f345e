// dropout.cl — inverted-dropout masks from Philox-4x32-10 (philox.cl), bit-identical to the CPU.
// dropout_mask: mask[i] = u_i >= rate ? keep : 0, u_i = (word_i >> 8)·2⁻²⁴, word_i = word i%4 of
//               philox((i/4, stream, step_lo, step_hi), (seed_lo, seed_hi)); keep = 1/(1 − rate)
//               is computed on the host so it is the same float as the CPU's. When step_words is
//               given, the step is read from it (uploaded per batch) instead of step_lo/step_hi.
// Launch: global ⌈n/4⌉, one work-item per Philox block (4 elements).
// Limits: n < 2³¹ (the block counter is its 32-bit index).

__kernel void dropout_mask(const int n, const float rate, const float keep,
        const uint seed_lo, const uint seed_hi, const uint step_lo, const uint step_hi, const uint stream,
        TENSOR(float, mask), TENSOR(const int, step_words)) {
    int block = get_global_id(0);
    int base = block * 4;
    if (base >= n) return;
    BIND(float, mask); BIND(const int, step_words);
    uint lo = step_words ? (uint)step_words[0] : step_lo, hi = step_words ? (uint)step_words[1] : step_hi;
    uint4 w = philox4x32_10((uint4)((uint)block, stream, lo, hi), (uint2)(seed_lo, seed_hi));
    mask[base] = philox_unit(w.x) >= rate ? keep : 0.0f;
    if (base + 1 < n) mask[base + 1] = philox_unit(w.y) >= rate ? keep : 0.0f;
    if (base + 2 < n) mask[base + 2] = philox_unit(w.z) >= rate ? keep : 0.0f;
    if (base + 3 < n) mask[base + 3] = philox_unit(w.w) >= rate ? keep : 0.0f;
}
