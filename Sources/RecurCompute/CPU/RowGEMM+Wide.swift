import CCellKernels

extension RowGEMM {
    /// ``sixRows(_:column:k:alpha:a:b:ldb:beta:c:ldc:)`` in C with 16-lane AVX-512 vectors: one
    /// vector per row of the panel where the AVX2 kernel takes two, the same multiply-adds in
    /// the same order (`RowGEMMWideTests` compares the bits). Only where
    /// ``CellKernels/width`` is `.avx512`.
    ///
    /// Why: Zen 4 runs a 512-bit multiply-add as its two 256-bit halves, so the vectors are not
    /// wider in time, but each one carries twice the work through the front end. The AVX2 block
    /// issues about 30 instructions per six cycles of multiply-adds (two B loads, six broadcasts,
    /// twelve multiply-adds, A's addresses), near what the core dispatches, and its products
    /// reached 70–85% of the 117 GFLOP/s a core's multiply-adds reach in a register-only loop.
    @inline(__always)
    static func sixRowsWide(_ r: Int, column j: Int, k: Int, alpha: Float, a: Rows,
                            b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let first = Swift.min(k, a.split)
        recur_six_rows_avx512(a.base + r * a.rowStride, a.rowStride, a.kStride, first,
                              a.second + r * a.secondRowStride, a.secondRowStride, k - first,
                              a.initial.map { $0 + j }, b + j, ldb, alpha, beta, c + r * ldc + j, ldc)
    }

    /// ``sixRowsWide(_:column:k:alpha:a:b:ldb:beta:c:ldc:)`` over two panels at once, the second's
    /// B `panelStride` floats after the first's and its C columns the 16 after: twelve vector
    /// sums, so each broadcast of A feeds two multiply-adds.
    @inline(__always)
    static func sixRowsTwoPanelsWide(_ r: Int, column j: Int, k: Int, alpha: Float, a: Rows,
                                     b: UnsafePointer<Float>, ldb: Int, panelStride: Int, beta: Float,
                                     c: UnsafeMutablePointer<Float>, ldc: Int) {
        let first = Swift.min(k, a.split)
        recur_six_rows_two_panels_avx512(a.base + r * a.rowStride, a.rowStride, a.kStride, first,
                                         a.second + r * a.secondRowStride, a.secondRowStride, k - first,
                                         a.initial.map { $0 + j }, b + j, ldb, panelStride, alpha, beta, c + r * ldc + j, ldc)
    }
}
