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

    /// `[B, T]` batch-major, like the ids: each occurrence's segment, which is its token's row
    /// among the batch's distinct tokens (``TokenProjection``); −1 for an id outside the
    /// vocabulary.
    public var tokenSlots: [Int32]

    /// - Parameter tokenIDs: `[B, T]`, batch-major. Ids outside `[0, vocabulary)` are left out
    ///   (their gather produced zeros, so they have no gradient).
    ///
    /// Built on the host for every batch, before the step's ops can run: for simplernn-imdb's
    /// 64,000 occurrences it took 0.84 ms with the slots, a tenth of the training step, mostly
    /// reading the ids across rows of the batch (one cache line per id) and transposing slots.
    /// The ids are now transposed to time-major in blocks first, and every pass reads in order.
    public init(tokenIDs: [Int32], batch: Int, time: Int, vocabulary: Int) {
        precondition(tokenIDs.count == batch * time, "tokenIDs has \(tokenIDs.count) ids, expected \(batch)·\(time)")
        let occurrences = batch * time
        var rows = [Int32](repeating: 0, count: occurrences)
        var starts = [Int32](repeating: 0, count: occurrences + 1)
        var tokens = [Int32](repeating: -1, count: occurrences)
        var slots: [Int32]
        var segment = -1
        let inVocabulary = { (id: Int32) in id >= 0 && Int(id) < vocabulary }
        if vocabulary <= 8 * occurrences {
            // Counting sort: token counts, their running sums as each token's first slot, then the
            // rows in ascending order into their token's slots — (token, row) order in
            // O(occurrences + vocabulary), off the step's critical path.
            let byTime = Self.transposed(tokenIDs, rows: batch, columns: time)
            var next = [Int32](repeating: 0, count: vocabulary + 1)
            var segmentOf = [Int32](repeating: -1, count: vocabulary)
            next.withUnsafeMutableBufferPointer { next in
                for id in tokenIDs where inVocabulary(id) { next[Int(id) + 1] += 1 }
                for token in 0..<vocabulary {
                    guard next[token + 1] > 0 else { next[token + 1] = next[token]; continue }
                    segment += 1
                    starts[segment] = next[token]
                    tokens[segment] = Int32(token)
                    segmentOf[token] = Int32(segment)
                    next[token + 1] += next[token]
                }
                let used = Int(next[vocabulary])
                for i in (segment + 1)...occurrences { starts[i] = Int32(used) }
                rows.withUnsafeMutableBufferPointer { rows in
                    for (row, id) in byTime.enumerated() where inVocabulary(id) {
                        rows[Int(next[Int(id)])] = Int32(row)
                        next[Int(id)] += 1
                    }
                }
            }
            slots = [Int32](repeating: -1, count: occurrences)
            segmentOf.withUnsafeBufferPointer { segmentOf in
                slots.withUnsafeMutableBufferPointer { slots in
                    for (i, id) in tokenIDs.enumerated() where inVocabulary(id) { slots[i] = segmentOf[Int(id)] }
                }
            }
        } else {
            // A vocabulary far above the occurrences: the (sequence, token) keys of input dropout's
            // pairs, 1.28M for simplernn-dropout's 64,000 ids. A least-significant-digit radix
            // sort of (key, row) in row order, 11 bits a pass, is stable, so rows stay ascending
            // within a key: the same order as a comparison sort, which took 1.3 ms of that step.
            let byTime = Self.transposed(tokenIDs, rows: batch, columns: time)
            var items = [UInt64]()
            items.reserveCapacity(occurrences)
            for (row, id) in byTime.enumerated() where inVocabulary(id) { items.append(UInt64(UInt32(id)) << 32 | UInt64(row)) }
            Self.radixSortByKey(&items, keyBits: Int.bitWidth - (vocabulary - 1).leadingZeroBitCount)
            for i in starts.indices { starts[i] = Int32(items.count) }
            var slotsByTime = [Int32](repeating: -1, count: occurrences)
            var previous: UInt64 = .max
            slotsByTime.withUnsafeMutableBufferPointer { slotsByTime in
                for (i, item) in items.enumerated() {
                    let token = item >> 32
                    if token != previous {
                        segment += 1
                        starts[segment] = Int32(i)
                        tokens[segment] = Int32(token)
                        previous = token
                    }
                    let row = Int(truncatingIfNeeded: item & 0xFFFF_FFFF)
                    rows[i] = Int32(row)
                    slotsByTime[row] = Int32(segment)
                }
            }
            slots = Self.transposed(slotsByTime, rows: time, columns: batch)
        }
        sortedRows = rows
        segmentStarts = starts
        segmentTokens = tokens
        tokenSlots = slots
        distinctTokens = segment + 1
    }

    /// `values` `[rows, columns]` as `[columns, rows]` (the ids `[B, T]` as `[T, B]`), a block of
    /// columns at a time: each row is read in order, and the block's writes stay in a few dozen
    /// cache lines.
    static func transposed(_ values: [Int32], rows: Int, columns: Int) -> [Int32] {
        let block = 16
        return [Int32](unsafeUninitializedCapacity: rows * columns) { out, count in
            values.withUnsafeBufferPointer { values in
                for first in stride(from: 0, to: columns, by: block) {
                    let last = Swift.min(columns, first + block)
                    for r in 0..<rows {
                        for c in first..<last { out[c * rows + r] = values[r * columns + c] }
                    }
                }
            }
            count = rows * columns
        }
    }

    /// Sorts `items` by their high 32 bits (of which the low `keyBits` may be set), keeping
    /// the order of equal keys: one counting pass per digit of at most 11 bits, least significant
    /// first, every digit's counts taken in one read of the items.
    static func radixSortByKey(_ items: inout [UInt64], keyBits: Int) {
        let passes = (keyBits + 10) / 11
        guard passes > 0, items.count > 1 else { return }
        let digitBits = (keyBits + passes - 1) / passes, buckets = 1 << digitBits, digitMask = UInt64(buckets - 1)
        var other = [UInt64](repeating: 0, count: items.count)
        var counts = [Int32](repeating: 0, count: passes * buckets)
        counts.withUnsafeMutableBufferPointer { counts in
            items.withUnsafeBufferPointer { items in
                for item in items {
                    for pass in 0..<passes { counts[pass * buckets + Int((item >> UInt64(32 + pass * digitBits)) & digitMask)] += 1 }
                }
            }
            // Each digit's counts become the first place of each of its values.
            for pass in 0..<passes {
                var sum: Int32 = 0
                for d in (pass * buckets)..<((pass + 1) * buckets) {
                    let count = counts[d]
                    counts[d] = sum
                    sum += count
                }
            }
            for pass in 0..<passes {
                let shift = UInt64(32 + pass * digitBits), next = counts.baseAddress! + pass * buckets
                items.withUnsafeBufferPointer { source in
                    other.withUnsafeMutableBufferPointer { target in
                        for item in source {
                            let d = Int((item >> shift) & digitMask)
                            target[Int(next[d])] = item
                            next[d] += 1
                        }
                    }
                }
                swap(&items, &other)
            }
        }
    }
}
