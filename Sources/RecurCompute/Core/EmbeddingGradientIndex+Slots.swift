extension EmbeddingGradientIndex {
    /// `[B, T]` batch-major, like the ids: each occurrence's segment, which is its token's row
    /// among the batch's distinct tokens (``TokenProjection``); −1 for an id outside the
    /// vocabulary.
    public func tokenSlots(batch: Int, time: Int) -> [Int32] {
        var slots = [Int32](repeating: -1, count: batch * time)
        for segment in 0..<distinctTokens {
            for position in Int(segmentStarts[segment])..<Int(segmentStarts[segment + 1]) {
                let row = Int(sortedRows[position])  // t·B + b
                slots[(row % batch) * time + row / batch] = Int32(segment)
            }
        }
        return slots
    }

    /// `[B·T]`: segment `s` → `s` for the distinct tokens, −1 for the unused segments after them:
    /// a segment sum with these as its tokens writes each distinct token's sum to its own row.
    public var segmentSlots: [Int32] {
        (0..<segmentTokens.count).map { $0 < distinctTokens ? Int32($0) : -1 }
    }
}
