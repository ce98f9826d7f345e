/// NumPy's legacy `np.random.RandomState(seed)`: MT19937 seeded with `init_genrand`, and
/// `shuffle` as NumPy does it (Fisher–Yates from the end, each swap index drawn by masked
/// rejection sampling), so `KerasIMDBNpzReader` orders reviews exactly as Keras's
/// `load_data(seed=113)` does.
struct NumpyRandomState {
    private var state = [UInt32](repeating: 0, count: 624)
    private var position = 624

    init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    mutating func nextUInt32() -> UInt32 {
        if position >= 624 { regenerate() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    private mutating func regenerate() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7fff_ffff)
            var next = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_b0df }
            state[i] = next
        }
        position = 0
    }

    /// A uniform integer in `0...max` (NumPy's `random_interval`, 32-bit branch).
    mutating func interval(_ max: UInt32) -> UInt32 {
        guard max > 0 else { return 0 }
        var mask = max
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16
        while true {
            let value = nextUInt32() & mask
            if value <= max { return value }
        }
    }

    /// `RandomState.shuffle(np.arange(n))`: the permutation it leaves.
    mutating func shuffledIndices(_ n: Int) -> [Int] {
        precondition(n <= Int(UInt32.max), "more items than NumPy's 32-bit interval path handles")
        var indices = Array(0..<n)
        var i = n - 1
        while i >= 1 {
            let j = Int(interval(UInt32(i)))
            indices.swapAt(i, j)
            i -= 1
        }
        return indices
    }
}
