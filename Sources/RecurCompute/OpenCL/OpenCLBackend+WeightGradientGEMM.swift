extension OpenCLBackend {
    /// K below which CLBlast keeps a transposed-A GEMM: on a GPU, and on a CPU device, where
    /// CLBlast's helper kernels around a small product cost more than the product
    /// (stacked-simplernn's gradients over 2,560 rows).
    static let splitKMinimumK = 4096
    static let splitKMinimumKOnCPU = 256
    static let splitKMaximumSlice = 1024
    /// AT_B_BLOCK in gemm_skinny.cl: K rows a register tile accumulates at a time.
    static let rowTileBlock = 128
    static let rowTileMaximumC = 262_144

    /// (splits, slice) for `gemm_at_b_partial` (`_rows` on a CPU device), or nil when CLBlast
    /// should run `o`: one GEMM, Aᵀ·B with a huge K and a small C (at most 256×256 on a GPU), N a
    /// multiple of 4 — the weight gradients of a whole sequence, [T·B, D]ᵀ·[T·B, G·H]. Chosen by
    /// shape; the split count by how many work-groups the device wants (several per compute unit
    /// on a GPU).
    func splitKPlan(_ o: GEMM) -> (splits: Int, slice: Int)? {
        guard o.batch == 1, o.transposeA, !o.transposeB, o.k >= (limits.isGPU ? Self.splitKMinimumK : Self.splitKMinimumKOnCPU), o.n % 4 == 0, o.n >= 4, o.m >= 1,
              programs.programs["gemm_skinny"] != nil else { return nil }
        if usesRowTiles(n: o.n) {
            // A C of up to 256 Ki floats: bigru-w2v's [300, 384] kernel gradient took CLBlast a
            // third of a second on PoCL.
            guard o.m * o.n <= Self.rowTileMaximumC else { return nil }
            // One work-item per slice walks every tile (`gemm_at_b_partial_rows`): a few slices
            // per core, so that the partial sums stay few.
            return Self.slices(of: o.k, into: min(4 * limits.computeUnits, o.k / Self.rowTileBlock))
        }
        guard o.m * o.n <= 65_536 else { return nil }
        let tiles = ((o.m + 31) / 32) * ((o.n + 31) / 32)
        let wanted = (limits.isGPU ? 8 : 4) * limits.computeUnits
        // Slices of at most `splitKMaximumSlice` rows: a CPU device runs a group's work-items one
        // after another, each over the whole slice, so the slice of A and B must stay in cache
        // (at 32 000 rows, lstm-imdb's gradients ran at a third of the speed).
        return Self.slices(of: o.k, into: min(max((wanted + tiles - 1) / tiles, (o.k + Self.splitKMaximumSlice - 1) / Self.splitKMaximumSlice),
                                              o.k / 256))
    }

    /// `rows` cut into about `wanted` (at least one) equal slices: how many there are, and their
    /// length (the last may be shorter; none is empty).
    static func slices(of rows: Int, into wanted: Int) -> (splits: Int, slice: Int) {
        let slice = (rows + max(1, wanted) - 1) / max(1, wanted)
        return ((rows + slice - 1) / slice, slice)
    }

    /// Returns whether B's column sums (``GEMM/columnSums``) came with the product: the row-tile
    /// kernel forms them from its own reads of B.
    func weightGradientGEMM(_ o: GEMM, splits: Int, slice: Int, lane: Int) throws -> Bool {
        let rows = usesRowTiles(n: o.n)
        let sums = rows ? o.columnSums : nil
        let partialRows = sums == nil ? o.m : o.m + 1
        let partial = try laneScratch.buffer(lane: lane, floats: splits * partialRows * o.n, on: self)
        let arguments: [KernelArgument] = [.int(o.m), .int(o.n), .int(o.k), .int(slice), .floats(o.a), .int(o.lda), .floats(o.b),
                                           .int(o.ldb), .floats(partial)]
        if rows {
            // The rows a training loop's backward left zero, skipped (``GEMM/zeroRowsOfLoop``).
            try launch("gemm_skinny", "gemm_at_b_partial_rows", global: [splits], local: [1],
                       arguments + zeroRowArguments(ofLoop: o.zeroRowsOfLoop) + [.int(sums == nil ? 0 : 1)], lane: lane)
        } else {
            try launch("gemm_skinny", "gemm_at_b_partial", global: [8 * ((o.n + 31) / 32), 8 * ((o.m + 31) / 32), splits],
                       local: [8, 8, 1], arguments, lane: lane)
        }
        try launch("gemm_skinny", "gemm_at_b_reduce", global: [partialRows * o.n],
                   [.int(o.m), .int(o.n), .int(splits), .float(o.alpha), .float(o.beta), .floats(partial), .floats(o.c), .int(o.ldc),
                    .floats(sums)],
                   lane: lane)
        skinnyGEMMs += 1
        return sums != nil
    }
}
