extension RowGEMM {
    /// `B` (`[k, n]`) laid out for ``RowGEMM``'s kernels: panels of ``RowGEMM/panelWidth``
    /// columns, each its `k` rows of that many contiguous floats, the last panel padded with zeros.
    ///
    /// Why: the kernels walk a 16-column panel down its `k` rows. Read in place, those rows are
    /// `ldb` floats apart — 512 bytes to 1 KB for the reference models' widths — so a panel's
    /// 64–256 cache lines fall in 4–8 of L1's 64 sets and evict each other, and every row comes
    /// again from L2. Packed, a panel is one run of memory. Measured here, single-threaded:
    /// `[16384, 128] × [128, 128]` 59 → 69 GFLOP/s, `[6400, 128] × [128, 256]` 64 → 76,
    /// `[8062, 256] × [256, 64]` 56 → 71, packing included. Each element's sum is the same
    /// multiply-adds in the same order as from `B` in place, so results do not change.
    public struct PackedB {
        public let values: UnsafePointer<Float>
        public let n: Int, k: Int
        /// Floats from one panel to the next.
        var panelStride: Int { panelWidth * k }

        /// Floats the packed `[k, n]` takes.
        public static func count(n: Int, k: Int) -> Int { (n + panelWidth - 1) / panelWidth * panelWidth * k }

        /// `B` already packed at `values` (or to be packed there before a product reads it).
        public init(values: UnsafePointer<Float>, n: Int, k: Int) {
            self.values = values; self.n = n; self.k = k
        }

        /// Packs `B`, stored `[k, n]` at row stride `ldb` or, when `transposed`, stored as `Bᵀ`
        /// (`[n, k]` at row stride `ldb`), into `destination` (``count(n:k:)`` floats). With
        /// `second`, B's columns as stored from `second.column` on — its rows along k when
        /// transposed, its columns along n when not — are at `second.values`, row stride
        /// `second.ld`, instead (``GEMM/bSecond``).
        @discardableResult
        public static func pack(_ b: UnsafePointer<Float>, ldb: Int, transposed: Bool, n: Int, k: Int,
                                second: (values: UnsafePointer<Float>, column: Int, ld: Int)? = nil,
                                into destination: UnsafeMutablePointer<Float>) -> PackedB {
            let width = panelWidth
            let split = second?.column ?? (transposed ? k : n)
            for panel in 0..<((n + width - 1) / width) {
                let first = panel * width, columns = Swift.min(width, n - first)
                let out = destination + panel * width * k
                if transposed {
                    // Down each row of Bᵀ, so the source is read in order.
                    for j in 0..<columns {
                        for kk in 0..<split { out[kk * width + j] = b[(first + j) * ldb + kk] }
                        if let second { for kk in split..<k { out[kk * width + j] = second.values[(first + j) * second.ld + kk - split] } }
                    }
                } else {
                    // The panel's columns before the split from `b`, the rest from `second`.
                    let fromFirst = Swift.max(0, Swift.min(columns, split - first))
                    for kk in 0..<k {
                        for j in 0..<fromFirst { out[kk * width + j] = b[kk * ldb + first + j] }
                        if let second { for j in fromFirst..<columns { out[kk * width + j] = second.values[kk * second.ld + first + j - split] } }
                    }
                }
                if columns < width { for kk in 0..<k { for j in columns..<width { out[kk * width + j] = 0 } } }
            }
            return PackedB(values: destination, n: n, k: k)
        }
    }
}
