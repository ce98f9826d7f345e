import CVectorMath

extension CPUBackend {
    /// Each segment's rows summed into its token's row of the table gradient, in the index's
    /// order (ascending row within a token), eight lanes at a time.
    ///
    /// The workers split the used segments' occurrences, not the segment range: the index puts
    /// every distinct token's segment first and the unused ones after, so halving the segment
    /// range gave one worker all the work whenever fewer than half the occurrences were distinct
    /// tokens (lstm-imdb: up to 10,000 segments of 64,000). A segment is summed by one worker whatever
    /// the split, so the result does not depend on it. The rows are scattered over the gradient
    /// (`t·B + b` of one token), so the lines of a row a few ahead are asked for while this one is
    /// added. The rows a training loop's shared backward left zero (``EmbeddingGradient/zeroRowsOfLoop``),
    /// all in the padding token's segment, are not read.
    func embeddingGradient(_ o: EmbeddingGradient) {
        let rows = o.sortedRows.hostPointer, starts = o.segmentStarts.hostPointer, tokens = o.segmentTokens.hostPointer
        let zeroRows = o.zeroRowsOfLoop.flatMap { zeroRowSchedule(ofLoop: $0) }
        let grad = UnsafePointer(o.outputGradient.hostPointer), table = o.tableGradient.hostPointer, e = o.width
        // Unused segments come last: empty ones in a batch's index, one-row ones in the identity
        // index that puts the distinct tokens' rows into the table. Neither is work to split.
        var segments = o.occurrences
        while segments > 0 && tokens[segments - 1] < 0 { segments -= 1 }
        let summed = Int(starts[segments])
        let chunks = summed * e >= parallelThreshold ? Self.embeddingGradientChunksPerThread * threads : 1
        /// The first segment starting at or after occurrence `position` (`starts` never decreases).
        func firstSegment(startingAt position: Int) -> Int {
            var low = 0, high = segments
            while low < high {
                let middle = (low + high) / 2
                if Int(starts[middle]) < position { low = middle + 1 } else { high = middle }
            }
            return low
        }
        // Each chunk's count of the rows it skipped, in memory of its own.
        let skipped = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        defer { skipped.deallocate() }
        let sum = { (chunk: Int) in
            var skips = 0
            let first = firstSegment(startingAt: summed * chunk / chunks)
            let end = chunk == chunks - 1 ? segments : firstSegment(startingAt: summed * (chunk + 1) / chunks)
            for s in first..<end {
                let token = Int(tokens[s])
                guard token >= 0 && token < o.vocabulary else { continue }
                let dst = table + token * e
                dst.update(repeating: 0, count: e)
                let skipping = token == 0 ? zeroRows : nil
                for k in Int(starts[s])..<Int(starts[s + 1]) {
                    if let skipping, skipping.gateGradientIsZero(row: Int(rows[k])) { skips += 1; continue }
                    if k + Self.prefetchDistance < summed,
                       !(skipping?.gateGradientIsZero(row: Int(rows[k + Self.prefetchDistance])) ?? false) {
                        let ahead = grad + Int(rows[k + Self.prefetchDistance]) * e
                        for j in stride(from: 0, to: e, by: 16) { recur_prefetch(ahead + j) }
                    }
                    Self.accumulate(grad + Int(rows[k]) * e, into: dst, count: e)
                }
            }
            skipped[chunk] = skips
        }
        if chunks == 1 { sum(0) } else { pool.perform(iterations: chunks, sum) }
        counters.zeroRowsSkipped += skipped.reduce(0, +)
    }

    /// The segments are cut into this many chunks per worker, which the workers take as they
    /// finish: occurrences are a poor measure of a chunk's work (a chunk of many one-row segments
    /// zeroes and writes a row of the table per segment; the padding token's rows left zero by a
    /// shared backward are skipped), and with one chunk each the second worker finished last by
    /// 0.15–0.28 ms in stacked-bilstm's steps. Four per worker, each gradient inside training
    /// steps (median/fastest of 80, interleaved): 0.42/0.35 → 0.32/0.28 and 0.42/0.36 → 0.39/0.34 ms.
    static let embeddingGradientChunksPerThread = 4

    /// How many rows ahead the segment sum asks for: enough to keep several rows' lines in
    /// flight while one is added.
    static let prefetchDistance = 8

    /// `dst[j] += src[j]`, eight at a time: the same additions as the scalar loop, in vector
    /// registers.
    @inline(__always)
    static func accumulate(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        var j = 0
        while j + 8 <= count {
            VectorMath.store(VectorMath.load(dst + j) + VectorMath.load(src + j), dst + j)
            j += 8
        }
        while j < count { dst[j] += src[j]; j += 1 }
    }
}
