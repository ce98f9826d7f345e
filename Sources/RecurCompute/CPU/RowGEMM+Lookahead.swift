import CVectorMath

extension RowGEMM {
    /// The rows of its operands a product reads next, asked for a few cache lines at a time
    /// after each of the current tiles, so that they are in L2 when the product reaches them.
    ///
    /// Why: a weight gradient walks its chunk of A and B down their columns, a 16-column panel at
    /// a time, and a row product its block of A's rows; each chunk or block is new memory (16 MB
    /// of `dZ` and the sequence at stacked-bilstm's shape, just written by the loops and larger
    /// than L2), and the strided walk gives the hardware prefetchers little to follow. Measured
    /// on stacked-bilstm, with and without interleaved in one process, two workers: the backward
    /// pass of a training step 34.95 → 33.62 and 40.44 → 38.81 ms (two runs, medians of 40
    /// steps); each op on its own in the step (fastest of 90): the second layer's input-kernel
    /// gradients 3.29 → 3.03 and 3.27 → 2.95 ms, its input gradient 2.77 → 2.63. bilstm's and
    /// lstm-imdb's products, whose operands stay in cache, neither gain nor lose.
    struct Lookahead {
        /// `rows` rows of `width` floats from `base`, `stride` floats apart.
        struct Region {
            let base: UnsafePointer<Float>
            let rows: Int, stride: Int, width: Int
            /// Cache lines per row: as many as `width` floats span, and one more where a row may
            /// start inside a line.
            let linesPerRow: Int

            init(base: UnsafePointer<Float>, rows: Int, stride: Int, width: Int) {
                self.base = base; self.rows = rows; self.stride = stride; self.width = width
                let aligned = Int(bitPattern: base) & 63 == 0 && stride & 15 == 0
                linesPerRow = (width + 15) / 16 + (aligned ? 0 : 1)
            }

            var lines: Int { width > 0 ? rows * linesPerRow : 0 }
        }

        private var regions: (Region?, Region?)
        /// Lines to ask for after each tile: all of them over the tiles the current work has.
        private let perTile: Int
        private var region = 0, row = 0, line = 0

        /// Both regions' lines spread over `tiles` (at most as many as the work runs; lines left
        /// over when it runs more are not asked for).
        init(_ first: Region?, _ second: Region? = nil, tiles: Int) {
            // The first present region first: `next()` stops at the first absent one.
            regions = first == nil ? (second, nil) : (first, second)
            let lines = (first?.lines ?? 0) + (second?.lines ?? 0)
            perTile = (lines + Swift.max(1, tiles) - 1) / Swift.max(1, tiles)
        }

        /// Asks for the next ``perTile`` lines.
        @inline(__always)
        mutating func next() {
            var left = perTile
            while left > 0, let current = region == 0 ? regions.0 : region == 1 ? regions.1 : nil {
                if current.width == 0 || row == current.rows {
                    region += 1; row = 0; line = 0
                    continue
                }
                let start = current.base + row * current.stride
                // The row's last float's line, for the partial line a row starting mid-line ends in.
                recur_prefetch(Swift.min(start + 16 * line, start + current.width - 1))
                left -= 1
                line += 1
                if line == current.linesPerRow { line = 0; row += 1 }
            }
        }
    }
}
