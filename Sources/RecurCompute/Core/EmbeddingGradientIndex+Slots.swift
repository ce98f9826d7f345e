extension EmbeddingGradientIndex {
    /// `[B, T]` batch-major, like the ids: each occurrence's segment, which is its token's row
    /// among the batch's distinct tokens (``TokenProjection``); −1 for an id outside the
    /// vocabulary.
    public func tokenSlots(batch: Int, time: Int) -> [Int32] {
        // By time-major row t·B + b first, then transposed: finding (b, t) from each row took
        // two integer divisions per occurrence, as long as the rest of the batch's upload.
        var byRow = [Int32](repeating: -1, count: batch * time)
        for segment in 0..<distinctTokens {
            for position in Int(segmentStarts[segment])..<Int(segmentStarts[segment + 1]) {
                byRow[Int(sortedRows[position])] = Int32(segment)
            }
        }
        return [Int32](unsafeUninitializedCapacity: batch * time) { slots, count in
            for b in 0..<batch {
                for t in 0..<time { slots[b * time + t] = byRow[t * batch + b] }
            }
            count = batch * time
        }
    }

    /// `[B·T]`: segment `s` → `s` for the distinct tokens, −1 for the unused segments after them:
    /// a segment sum with these as its tokens writes each distinct token's sum to its own row.
    public var segmentSlots: [Int32] {
        (0..<segmentTokens.count).map { $0 < distinctTokens ? Int32($0) : -1 }
    }
}
