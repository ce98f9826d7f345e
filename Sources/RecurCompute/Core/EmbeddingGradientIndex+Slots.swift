extension EmbeddingGradientIndex {
    /// `[B·T]`: segment `s` → `s` for the distinct tokens, −1 for the unused segments after them:
    /// a segment sum with these as its tokens writes each distinct token's sum to its own row.
    public var segmentSlots: [Int32] {
        [Int32](unsafeUninitializedCapacity: segmentTokens.count) { slots, count in
            for s in 0..<distinctTokens { slots[s] = Int32(s) }
            for s in distinctTokens..<segmentTokens.count { slots[s] = -1 }
            count = segmentTokens.count
        }
    }
}
