extension RowGEMM {
    /// ``multiplyTransposedA(m:n:k:alpha:a:lda:aSecond:b:ldb:beta:c:ldc:columnSums:addingToSums:followedBy:)``
    /// over whole timesteps of `batch` rows of k, where A's first block (C's rows before
    /// `aSecond.column`) is a sharing loop's output sequence whose first `equalRows[τ]` rows at
    /// timestep `τ` hold the same values (``GEMM/sharedRowsOfLoop``): a weight gradient
    /// `Xᵀ · dZ` above a forward direction that shared its rows' padded prefixes.
    ///
    /// Those rows' part of the first block is `x_τᵀ · Σ dZ` over them, so the walk sums their rows
    /// of B into `standInSums` (`[timesteps, n]`) while the timestep is in cache, multiplies the
    /// first block over the timestep's other rows only, and adds `Σ_τ x_τᵀ · S_τ` — a product over
    /// one row a timestep, those rows copied to `standInRows` (`[timesteps, aSecond.column]`) —
    /// at the end. The second block reads every row, as do the column sums.
    /// The sums are grouped differently from a walk over every row, so they round differently
    /// (not bit for bit the same as another backend or this one without sharing).
    static func multiplyTransposedA(timesteps: Int, batch: Int, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                    aSecond: (values: UnsafePointer<Float>, column: Int, ld: Int),
                                    b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                                    columnSums: UnsafeMutablePointer<Float>?, equalRows: ArraySlice<Int>,
                                    standInSums: UnsafeMutablePointer<Float>, standInRows: UnsafeMutablePointer<Float>) {
        precondition(equalRows.count == timesteps && equalRows.allSatisfy { (0...batch).contains($0) },
                     "a count of equal rows, at most the batch, for each timestep")
        let firstRows = aSecond.column, secondRows = m - firstRows
        let firstStep = equalRows.startIndex
        // Chunks of whole timesteps of about ``transposedChunk`` rows: the second block's walk.
        let perChunk = Swift.max(1, transposedChunk / Swift.max(batch, 1))
        var step = 0
        while step < timesteps {
            let count = Swift.min(perChunk, timesteps - step)
            let start = step * batch, depth = count * batch
            let nextRows = Swift.min(perChunk, timesteps - step - count) * batch
            let ahead = nextRows == 0 || secondRows < lookaheadMinimumM ? nil : Lookahead(
                .init(base: b + (start + depth) * ldb, rows: nextRows, stride: ldb, width: n),
                .init(base: aSecond.values + (start + depth) * aSecond.ld, rows: nextRows, stride: aSecond.ld, width: secondRows),
                tiles: tiles(rows: secondRows, n: n))
            for s in step..<(step + count) {
                let equal = equalRows[firstStep + s], row = s * batch
                ColumnSums.sum(b + row * ldb, rows: equal, stride: ldb, columns: 0..<n, beta: 0, into: standInSums + s * n)
                (standInRows + s * firstRows).update(from: a + row * lda, count: firstRows)
                // The first block's rows of the same timestep of the next chunk, which the second
                // block's lookahead does not ask for.
                let later = s + perChunk < timesteps ? s + perChunk : nil
                let firstAhead = later.map { later in
                    Lookahead(.init(base: a + (later * batch + equalRows[firstStep + later]) * lda,
                                    rows: batch - equalRows[firstStep + later], stride: lda, width: firstRows),
                              tiles: tiles(rows: firstRows, n: n))
                }
                blocks(rows: 0..<firstRows, n: n, k: batch - equal, alpha: alpha,
                       a: Rows(a + (row + equal) * lda, rowStride: 1, kStride: lda), b: b + (row + equal) * ldb, ldb: ldb,
                       panelStride: panelWidth, beta: s == 0 ? beta : 1, c: c, ldc: ldc, lookahead: firstAhead, readsAhead: false)
            }
            blocks(rows: 0..<secondRows, n: n, k: depth, alpha: alpha,
                   a: Rows(aSecond.values + start * aSecond.ld, rowStride: 1, kStride: aSecond.ld),
                   b: b + start * ldb, ldb: ldb, panelStride: panelWidth, beta: step == 0 ? beta : 1, c: c + firstRows * ldc, ldc: ldc,
                   lookahead: ahead)
            if let columnSums {
                ColumnSums.sum(b + start * ldb, rows: depth, stride: ldb, columns: 0..<n, beta: step == 0 ? 0 : 1, into: columnSums)
            }
            step += count
        }
        // Each timestep's equal rows: its first row's first block (copied side by side: in place
        // they are a page or more apart) times the sum of their rows of B.
        blocks(rows: 0..<firstRows, n: n, k: timesteps, alpha: alpha, a: Rows(standInRows, rowStride: 1, kStride: firstRows),
               b: standInSums, ldb: n, panelStride: panelWidth, beta: 1, c: c, ldc: ldc, readsAhead: false)
    }
}
