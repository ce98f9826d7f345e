import CCellKernels

extension RowGEMM {
    /// `rowCount` (6, 4 or 3) rows of C by `panels` (1 or 2) whole panels from column `j`, in C
    /// with 16-lane AVX-512 vectors: one vector per row and panel where the AVX2 kernels
    /// (``sixRows(_:column:k:alpha:a:b:ldb:beta:c:ldc:)``, ``fewRows(_:_:columns:k:alpha:a:b:ldb:beta:c:ldc:)``)
    /// take two, the same multiply-adds in the same order (`RowGEMMWideTests` compares the
    /// bits). The second panel's B is `panelStride` floats after the first's, its C columns the
    /// 16 after. Only where ``CellKernels/width`` is `.avx512`.
    ///
    /// Why: Zen 4 runs a 512-bit multiply-add as its two 256-bit halves, so the vectors are not
    /// wider in time, but each carries twice the work through the front end. The AVX2 six-row
    /// block issues about 30 instructions per six cycles of multiply-adds (two B loads, six
    /// broadcasts, twelve multiply-adds, A's addresses), near what the core dispatches; two
    /// panels here take the same work in about half. And the four- and three-row blocks hold
    /// too few sums in AVX2 registers to cover the multiply-add's latency; two panels of
    /// 16-lane sums hold as many as the six-row block.
    @inline(__always)
    static func wideRows(_ rowCount: Int, panels: Int, _ r: Int, column j: Int, k: Int, alpha: Float, a: Rows,
                         b: UnsafePointer<Float>, ldb: Int, panelStride: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let first = Swift.min(k, a.split)
        recur_row_block_avx512(rowCount, panels, a.base + r * a.rowStride, a.rowStride, a.kStride, first,
                               a.second + r * a.secondRowStride, a.secondRowStride, k - first, a.initial.map { $0 + j },
                               b + j, ldb, panelStride, alpha, beta, c + r * ldc + j, ldc)
    }
}
