// philox.cl — Philox-4x32-10 (Salmon et al. 2011), bit-identical to Swift's `Philox`.
// Element i of (seed, step, stream) is word i % 4 of the block at counter
// (i / 4, stream, step_lo, step_hi) under key (seed_lo, seed_hi).

inline uint4 philox4x32_10(uint4 c, uint2 k) {
    for (int round = 0; round < 10; ++round) {
        if (round > 0) { k.x += 0x9E3779B9u; k.y += 0xBB67AE85u; }
        uint lo0 = 0xD2511F53u * c.x, hi0 = mul_hi(0xD2511F53u, c.x);
        uint lo1 = 0xCD9E8D57u * c.z, hi1 = mul_hi(0xCD9E8D57u, c.z);
        c = (uint4)(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

// Uniform in [0, 1) from the top 24 bits, exact in float.
inline float philox_unit(uint word) { return (float)(word >> 8) * (1.0f / 16777216.0f); }
