/// The host-side half of the deterministic embedding gradient: the batch's token occurrences
/// sorted by token (then by position), cut into one segment per distinct token. Built while the
/// batch is prepared, uploaded with it, consumed by ``EmbeddingGradient``.
public struct EmbeddingGradientIndex: Equatable, Sendable {
    /// Rows `t·B + b` of the time-major output gradient, grouped by token.
    public var sortedRows: [Int32]
    /// `occurrences + 1` entries; unused segments are empty.
    public var segmentStarts: [Int32]
    /// One per segment; −1 marks an unused one.
    public var segmentTokens: [Int32]
    /// How many distinct in-range tokens the batch has.
    public var distinctTokens: Int

    /// - Parameter tokenIDs: `[B, T]`, batch-major. Ids outside `[0, vocabulary)` are left out
    ///   (their gather produced zeros, so they have no gradient).
    public init(tokenIDs: [Int32], batch: Int, time: Int, vocabulary: Int) {
        precondition(tokenIDs.count == batch * time, "tokenIDs has \(tokenIDs.count) ids, expected \(batch)·\(time)")
        let occurrences = batch * time
        var rows = [Int32](repeating: 0, count: occurrences)
        var starts = [Int32](repeating: 0, count: occurrences + 1)
        var tokens = [Int32](repeating: -1, count: occurrences)
        var segment = -1
        if vocabulary <= 8 * occurrences {
            // Counting sort: token counts, their running sums as each token's first slot, then the
            // rows in ascending order into their token's slots — the (token, row) order of the
            // comparison sort below in O(occurrences + vocabulary), off the step's critical path.
            var next = [Int32](repeating: 0, count: vocabulary + 1)
            for id in tokenIDs where id >= 0 && Int(id) < vocabulary { next[Int(id) + 1] += 1 }
            for token in 0..<vocabulary {
                guard next[token + 1] > 0 else { next[token + 1] = next[token]; continue }
                segment += 1
                starts[segment] = next[token]
                tokens[segment] = Int32(token)
                next[token + 1] += next[token]
            }
            let used = Int(next[vocabulary])
            for i in (segment + 1)...occurrences { starts[i] = Int32(used) }
            for t in 0..<time {
                for b in 0..<batch {
                    let token = Int(tokenIDs[b * time + t])
                    guard token >= 0 && token < vocabulary else { continue }
                    rows[Int(next[token])] = Int32(t * batch + b)
                    next[token] += 1
                }
            }
        } else {
            // Pack (token, row) into one key so one integer sort orders by token, then row.
            var keys = [UInt64]()
            keys.reserveCapacity(occurrences)
            for b in 0..<batch {
                for t in 0..<time {
                    let token = tokenIDs[b * time + t]
                    guard token >= 0 && Int(token) < vocabulary else { continue }
                    keys.append(UInt64(UInt32(token)) << 32 | UInt64(t * batch + b))
                }
            }
            keys.sort()
            for i in starts.indices { starts[i] = Int32(keys.count) }
            var previous: UInt64 = .max
            for (i, key) in keys.enumerated() {
                let token = key >> 32
                if token != previous {
                    segment += 1
                    starts[segment] = Int32(i)
                    tokens[segment] = Int32(token)
                    previous = token
                }
                rows[i] = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)
            }
        }
        sortedRows = rows
        segmentStarts = starts
        segmentTokens = tokens
        distinctTokens = segment + 1
    }
}
