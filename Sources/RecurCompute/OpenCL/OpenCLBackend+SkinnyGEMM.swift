extension OpenCLBackend {
    /// Rows of A below which CLBlast keeps the GEMM: the skinny kernel pays for loading op(B)
    /// once per work-group, which only a tall A amortises.
    static let skinnyGEMMMinimumRows = 2048
    /// The same on a CPU device, whose row kernel (``usesRowTiles(n:)``) reads B where it is
    /// (a transposed one written out once): CLBlast's GPU-tuned kernels run at 15–20 GFLOP/s
    /// there, so from a few groups on the row kernel wins. A projection of a batch's distinct tokens is
    /// this short on real text (bilstm on IMDB: 1,477 rows, 12.8 ms in CLBlast).
    static let rowTilesMinimumRows = 256
    /// The most floats of op(B) a GPU work-group holds (32 KiB: fits every GPU's local memory and
    /// leaves room for a second group per compute unit).
    static let skinnyGEMMMaximumBOnGPU = 8192

    /// The most floats of op(B) a product here takes on this device. On a CPU device the bound
    /// is its local memory (PoCL: 1 MiB) though the row kernel no longer copies B there: it
    /// reads B in place. bigru-w2v's input projection ([18176, 300] × [300, 384], 450 KiB of B)
    /// runs here instead of CLBlast, which took about a second for it on PoCL.
    var skinnyGEMMMaximumB: Int { limits.isGPU ? Self.skinnyGEMMMaximumBOnGPU : limits.localMemoryBytes / 4 }

    /// Rows per work-group for `gemm_skinny.cl` (its `gemm_skinny_rows` where ``usesRowTiles(n:)``,
    /// else `gemm_skinny`), or nil when CLBlast should run `o`. Chosen by shape alone: one GEMM,
    /// A not transposed and tall, op(B) small enough for local memory and N a multiple of 4 (the
    /// input projection and the input gradient of a whole sequence).
    func skinnyGEMMRows(_ o: GEMM) -> Int? {
        guard o.batch == 1, !o.transposeA, o.m >= (usesRowTiles(n: o.n) ? Self.rowTilesMinimumRows : Self.skinnyGEMMMinimumRows), o.n % 4 == 0, o.n >= 4, o.k >= 1,
              o.n * o.k <= skinnyGEMMMaximumB, o.n * o.k * 4 <= limits.localMemoryBytes,
              programs.programs["gemm_skinny"] != nil else { return nil }
        if usesRowTiles(n: o.n) {
            // Several groups per core so that the cores finish together, each a whole number of
            // 4-row tiles and at least 64 rows.
            return max(64, ((o.m + cpuWorkItems - 1) / cpuWorkItems + 3) / 4 * 4)
        }
        guard let available = try? maxWorkGroupSize("gemm_skinny", in: "gemm_skinny") else { return nil }
        let maxGroup = min(available, 256), columns = o.n / 4
        guard columns <= maxGroup, columns <= limits.maxWorkItemSizes[0] else { return nil }
        return max(1, min(maxGroup / columns, limits.maxWorkItemSizes[1]))
    }

    func skinnyGEMM(_ o: GEMM, rowsPerGroup r: Int, lane: Int) throws {
        if usesRowTiles(n: o.n) {
            // A transposed B written out once as [K, N] (the lane's scratch: its queue runs in
            // order, so the product has read it before anything else there writes it).
            var (b, ldb) = (o.b, o.ldb)
            if o.transposeB {
                b = try laneScratch.buffer(lane: lane, floats: o.n * o.k, on: self)
                try launch("gemm_skinny", "transpose_rows", global: [o.k], local: [1],
                           [.int(o.n), .int(o.k), .floats(o.b), .int(o.ldb), .floats(b)], lane: lane)
                ldb = o.n
            }
            try launch("gemm_skinny", "gemm_skinny_rows", global: [(o.m + r - 1) / r], local: [1],
                       [.int(o.m), .int(o.n), .int(o.k), .int(r), .float(o.alpha), .float(o.beta), .floats(o.a), .int(o.lda),
                        .floats(b), .int(ldb), .floats(o.c), .int(o.ldc)], lane: lane)
        } else {
            let rowsPerItem = 8   // SKINNY_ROWS in gemm_skinny.cl
            let groups = (o.m + r * rowsPerItem - 1) / (r * rowsPerItem)
            try launch("gemm_skinny", "gemm_skinny", global: [o.n / 4, groups * r], local: [o.n / 4, r],
                       [.int(o.m), .int(o.n), .int(o.k), .float(o.alpha), .float(o.beta), .floats(o.a), .int(o.lda), .floats(o.b),
                        .int(o.ldb), .int(o.transposeB ? 1 : 0), .floats(o.c), .int(o.ldc), .local(bytes: o.n * o.k * 4)], lane: lane)
        }
        skinnyGEMMs += 1
    }

    /// Whether `gemm_skinny.cl`'s register-tiled kernels (`*_rows`: one work-item per group,
    /// 4-row tiles of two vectors of `common.cl`'s `lanes`, 16 or 8 floats by the device's
    /// vector width) run a product with `n` columns: on CPU devices, where the work-group kernels
    /// leave most of the vector width unused, for n of at least 16 (one vector at either width).
    func usesRowTiles(n: Int) -> Bool { !limits.isGPU && n >= 16 }
}
