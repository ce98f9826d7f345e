/// Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
/// counter-based generator behind dropout masks and initial weights. A draw depends only on its
/// key and counter, so the CPU backend and the OpenCL kernel (`philox.cl`, the same arithmetic)
/// produce identical bits, in any order, on any number of threads.
///
/// Element `i` of a stream uses word `i % 4` of the block at counter
/// `(i / 4, stream, step_lo, step_hi)` under key `(seed_lo, seed_hi)`.
public struct Philox: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    @inlinable
    public static func block(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= 0x9E37_79B9
                k.1 &+= 0xBB67_AE85
            }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k.0, UInt32(truncatingIfNeeded: p1),
                 UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k.1, UInt32(truncatingIfNeeded: p0))
        }
        return c
    }

    /// The 32-bit word for element `index` of (`stream`, `step`).
    @inlinable
    public func word(index: Int, stream: UInt32, step: UInt64) -> UInt32 {
        let out = Philox.block(counter: (UInt32(truncatingIfNeeded: index / 4), stream,
                                         UInt32(truncatingIfNeeded: step), UInt32(truncatingIfNeeded: step >> 32)),
                               key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
        switch index % 4 {
        case 0: return out.0
        case 1: return out.1
        case 2: return out.2
        default: return out.3
        }
    }

    /// A uniform in `[0, 1)` from the top 24 bits of a word (exact in Float32).
    @inlinable
    public static func unitFloat(_ word: UInt32) -> Float { Float(word >> 8) * (1.0 / 16_777_216.0) }

    /// `count` uniforms in `[0, 1)` for (`stream`, `step`), four per Philox block.
    public func uniforms(count: Int, stream: UInt32, step: UInt64 = 0) -> [Float] {
        var result = [Float](repeating: 0, count: count)
        let key = (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
        var block = 0
        while block * 4 < count {
            let out = Philox.block(counter: (UInt32(truncatingIfNeeded: block), stream,
                                             UInt32(truncatingIfNeeded: step), UInt32(truncatingIfNeeded: step >> 32)), key: key)
            let base = block * 4
            result[base] = Philox.unitFloat(out.0)
            if base + 1 < count { result[base + 1] = Philox.unitFloat(out.1) }
            if base + 2 < count { result[base + 2] = Philox.unitFloat(out.2) }
            if base + 3 < count { result[base + 3] = Philox.unitFloat(out.3) }
            block += 1
        }
        return result
    }
}
