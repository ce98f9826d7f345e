/// `C[r, :] = alpha · A[r, :] · B + beta · C[r, :]` for a range of rows `r`: the per-timestep
/// recurrent product (`[B, H] × [H, G·H]`) on a batch tile, where an OpenBLAS call per step costs
/// more in overhead than the product itself for the small H of text RNNs.
///
/// Every element is `Σ_k A[r,k]·B[k,j]` accumulated in ascending `k` with the same multiply-add
/// per term, whichever block (6, 4 or 1 rows, 16 columns, 8 or a tail) computes it — so a row's
/// result does not depend on how the batch was split into tiles, and runs are repeatable for any
/// thread count.
public enum RowGEMM {
    public typealias Vector = SIMD8<Float>
    /// The columns of B a block reads at a time: two vectors, the six-row kernel's width.
    public static let panelWidth = 16

    /// `B` as ``PackedB`` panels: what every caller uses, since a product's `B` (a weight) is
    /// small next to the rows that go past it.
    ///
    /// This is a recurrent loop's step product, whose A (the step's state or gate gradients) was
    /// just written and is in cache: its blocks ask for nothing ahead (``Lookahead``).
    public static func multiply(rows: Range<Int>, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: PackedB,
                                beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        blocks(rows: rows, n: b.n, k: b.k, alpha: alpha, a: Rows(a, rowStride: lda, kStride: 1), b: b.values, ldb: panelWidth,
               panelStride: b.panelStride, beta: beta, c: c, ldc: ldc, readsAhead: false)
    }

    /// ``multiply(rows:alpha:a:lda:b:beta:c:ldc:)`` with A's columns from `aSecond.column` on
    /// (k's) held in `aSecond.values`, or C's columns from `cSecond.column` on (a multiple of
    /// ``panelWidth``) in `cSecond.values` (``GEMM/aSecond``, ``GEMM/cSecond``): read and written
    /// in the same pass, each element the same multiply-adds in the same order as over one tensor.
    public static func multiply(rows: Range<Int>, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                aSecond: (values: UnsafePointer<Float>, column: Int, ld: Int)?, b: PackedB, beta: Float = 0,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                cSecond: (values: UnsafeMutablePointer<Float>, column: Int, ld: Int)?) {
        var rowsOfA = Rows(a, rowStride: lda, kStride: 1)
        if let aSecond { rowsOfA.continueAt(aSecond.column, in: aSecond.values, rowStride: aSecond.ld) }
        precondition(cSecond.map { $0.column % panelWidth == 0 } ?? true, "C's second block starts on a panel")
        blocks(rows: rows, n: b.n, k: b.k, alpha: alpha, a: rowsOfA, b: b.values, ldb: panelWidth, panelStride: b.panelStride,
               beta: beta, c: c, ldc: ldc, cSecond: cSecond)
    }

    /// Rows `rows` of a product like ``multiply(rows:alpha:a:lda:aSecond:b:beta:c:ldc:cSecond:)``
    /// whose A rows all hold the same first `aSecond.column` elements — rows in a loop's shared
    /// padded prefix (``GEMM/sharedRowsOfLoop``) — given those elements' part of each sum,
    /// `initial` (`[n]`, from ``partialSums(ofRow:k:b:into:)``): the accumulators start from it
    /// and take the second block's elements only, the same multiply-adds in the same order as
    /// when each row forms its first part itself, so the same bits.
    public static func multiply(rows: Range<Int>, alpha: Float = 1, startingFrom initial: UnsafePointer<Float>,
                                aSecond: (values: UnsafePointer<Float>, column: Int, ld: Int), b: PackedB, beta: Float = 0,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                cSecond: (values: UnsafeMutablePointer<Float>, column: Int, ld: Int)? = nil) {
        var rowsOfA = Rows(aSecond.values, rowStride: 0, kStride: 1)
        rowsOfA.continueAt(aSecond.column, in: aSecond.values, rowStride: aSecond.ld)
        rowsOfA.initial = initial
        precondition(cSecond.map { $0.column % panelWidth == 0 } ?? true, "C's second block starts on a panel")
        blocks(rows: rows, n: b.n, k: b.k, alpha: alpha, a: rowsOfA, b: b.values, ldb: panelWidth, panelStride: b.panelStride,
               beta: beta, c: c, ldc: ldc, cSecond: cSecond)
    }

    /// The sums `row · B` over B's first `k` rows (`[n]`, unscaled), accumulated as every kernel
    /// here accumulates a row's first `k` elements: what
    /// ``multiply(rows:alpha:startingFrom:aSecond:b:beta:c:ldc:)`` starts from.
    public static func partialSums(ofRow row: UnsafePointer<Float>, k: Int, b: PackedB, into sums: UnsafeMutablePointer<Float>) {
        blocks(rows: 0..<1, n: b.n, k: k, alpha: 1, a: Rows(row, rowStride: 0, kStride: 1), b: b.values, ldb: panelWidth,
               panelStride: b.panelStride, beta: 0, c: sums, ldc: 0)
    }

    /// `C = alpha · Aᵀ · B + beta · C` for `A` stored `[k, m]` at stride `lda`: a weight gradient
    /// `[D, G] = Xᵀ · dZ` summed over many rows. The same blocks read A down its columns, over
    /// chunks of ``transposedChunk`` rows of A and B, so that B's chunk stays in L2 for every
    /// block of C's rows; each chunk's sums are added to C's.
    ///
    /// Why: OpenBLAS packs both operands of such a product, and ran lstm-imdb's `[32, 128]` over
    /// 32,000 rows at 52 GFLOP/s on one core here, simplernn-imdb's `[32, 32]` at 60; this runs
    /// them at 67 and 75–78 (OpenBLAS's peak here is about 80). Where it is used:
    /// ``CPUBackend/runsTransposedAInRowGEMM(_:)``.
    ///
    /// `columnSums` (`[n]`), when given, receives B's column sums over its `k` rows, each chunk's
    /// sums (``ColumnSums``) added right after the blocks read its rows: a bias gradient beside
    /// its weight gradient, without a pass of its own over `dZ` (``GEMM/columnSums``); added to
    /// what is there with `addingToSums`.
    ///
    /// `aSecond`, when given, holds A's columns (C's rows) from `aSecond.column` on
    /// (``GEMM/aSecond``): their rows of C come from the same chunks of B.
    public static func multiplyTransposedA(m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                                           aSecond: (values: UnsafePointer<Float>, column: Int, ld: Int)? = nil,
                                           b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                                           c: UnsafeMutablePointer<Float>, ldc: Int, columnSums: UnsafeMutablePointer<Float>? = nil,
                                           addingToSums: Bool = false,
                                           followedBy next: (a: UnsafePointer<Float>, b: UnsafePointer<Float>, rows: Int)? = nil) {
        let firstRows = aSecond?.column ?? m
        var start = 0
        repeat {
            let depth = Swift.min(transposedChunk, k - start)
            // While this chunk's blocks run, the next chunk's rows are asked for (``Lookahead``),
            // or after the last, the rows the caller multiplies next. Not for fewer than
            // ``lookaheadMinimumM`` rows of C, whose chunks take little time against their memory.
            let following = m < lookaheadMinimumM ? nil : start + depth < k
                ? (a: a + (start + depth) * lda, second: aSecond.map { $0.values + (start + depth) * $0.ld }, b: b + (start + depth) * ldb,
                   rows: Swift.min(transposedChunk, k - start - depth))
                : next.map { (a: $0.a, second: nil, b: $0.b, rows: Swift.min(transposedChunk, $0.rows)) }
            let ahead = following.map {
                Lookahead(.init(base: $0.b, rows: $0.rows, stride: ldb, width: n), .init(base: $0.a, rows: $0.rows, stride: lda, width: firstRows),
                          tiles: tiles(rows: firstRows, n: n))
            }
            blocks(rows: 0..<firstRows, n: n, k: depth, alpha: alpha, a: Rows(a + start * lda, rowStride: 1, kStride: lda),
                   b: b + start * ldb, ldb: ldb, panelStride: panelWidth, beta: start == 0 ? beta : 1, c: c, ldc: ldc, lookahead: ahead)
            if let aSecond {
                let secondAhead = following.flatMap { following in
                    following.second.map {
                        Lookahead(.init(base: $0, rows: following.rows, stride: aSecond.ld, width: m - firstRows),
                                  tiles: tiles(rows: m - firstRows, n: n))
                    }
                }
                blocks(rows: 0..<(m - firstRows), n: n, k: depth, alpha: alpha,
                       a: Rows(aSecond.values + start * aSecond.ld, rowStride: 1, kStride: aSecond.ld),
                       b: b + start * ldb, ldb: ldb, panelStride: panelWidth, beta: start == 0 ? beta : 1, c: c + firstRows * ldc, ldc: ldc,
                       lookahead: secondAhead)
            }
            if let columnSums {
                ColumnSums.sum(b + start * ldb, rows: depth, stride: ldb, columns: 0..<n, beta: start == 0 && !addingToSums ? 0 : 1,
                               into: columnSums)
            }
            start += depth
        } while start < k
    }

    /// Rows of A (and B) per chunk of ``multiplyTransposedA(m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``:
    /// 64 KB of a 128-column B (measured on `[32, 128]` over 32,000 rows: 64–256 rows within 6%
    /// of each other, 512 rows 15% slower, 1,024 rows 34%).
    static let transposedChunk = 128

    /// The fewest rows of C for which ``multiplyTransposedA(m:n:k:alpha:a:lda:aSecond:b:ldb:beta:c:ldc:columnSums:addingToSums:followedBy:)``
    /// asks for its next chunk ahead: at 32 rows (stacked-bilstm's second layer's recurrent-kernel
    /// gradient) a chunk is 1 MFLOP on 80 KB, the walk is as fast as memory streams, and asking
    /// ahead measured 5–8% slower; at 64 and 128 rows it gained.
    static let lookaheadMinimumM = 64

    /// Rows `rows` of C from A's element `(r, kk)` at `a[r · rowStride + kk · kStride]`: A itself
    /// (`lda`, 1) or A stored transposed (1, `lda`). B's ``panelWidth`` columns from `j` start
    /// `(j / panelWidth) · panelStride` floats after `b`, their rows `ldb` apart: B itself
    /// (`panelWidth`, `ldb`) or packed (`panelWidth · k`, `panelWidth`). Inlined into each
    /// caller, so the strides that are constants there are constants in the kernels.
    /// C's columns from `cSecond.column` on, a multiple of ``panelWidth``, go to `cSecond.values`.
    @inline(__always)
    static func blocks(rows: Range<Int>, n: Int, k: Int, alpha: Float, a: Rows,
                       b: UnsafePointer<Float>, ldb: Int, panelStride: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                       cSecond: (values: UnsafeMutablePointer<Float>, column: Int, ld: Int)? = nil, lookahead: Lookahead? = nil,
                       readsAhead: Bool = true) {
        // Blocks of rows whose A (≈ 32 KB) stays in L1 while 16-column panels of B go past them,
        // each panel (k × 16) reused by every 6 rows of the block instead of streamed from L2.
        let blockRows = Swift.max(12, (8192 / Swift.max(k, 1)) / 12 * 12)
        let wide = CellKernels.width == .avx512
        let firstColumns = cSecond?.column ?? n
        // The caller's next operand rows, or else the next block's rows of A when A is read along
        // its rows (``Lookahead``), unless the caller's operands are in cache (`readsAhead` false).
        var ahead = lookahead
        let readsAheadByBlock = readsAhead && lookahead == nil && a.kStride == 1 && a.rowStride > 0 && a.initial == nil
        var block = rows.lowerBound
        while block < rows.upperBound {
            let end = Swift.min(rows.upperBound, block + blockRows)
            if readsAheadByBlock {
                let next = end..<Swift.min(rows.upperBound, end + blockRows)
                ahead = next.isEmpty ? nil : Lookahead(
                    .init(base: a.base + next.lowerBound * a.rowStride, rows: next.count, stride: a.rowStride, width: Swift.min(k, a.split)),
                    a.split < k ? .init(base: a.second + next.lowerBound * a.secondRowStride, rows: next.count,
                                        stride: a.secondRowStride, width: k - a.split) : nil,
                    tiles: tiles(rows: end - block, n: n))
            }
            var j = 0
            while j < n {
                let columns = j..<Swift.min(n, j + panelWidth)
                // The kernels read column `j` of a row at `b + j`: offset so that it lands in the panel.
                let b = b + (j / panelWidth) * panelStride - j
                // And write it at `c + r · ldc + j`: in the second block, offset back by its first column.
                let (c, ldc) = j < firstColumns ? (c, ldc) : (cSecond!.values - firstColumns, cSecond!.ld)
                var r = block
                let (six, four, three) = columns.count == panelWidth ? rowBlocks(end - block) : (0, (end - block) / 4, 0)
                if wide && columns.count == panelWidth {
                    // Two panels at once where both are whole and on the same side of C's split.
                    let panels = j + 2 * panelWidth <= n && (j >= firstColumns || j + 2 * panelWidth <= firstColumns) ? 2 : 1
                    @inline(__always) func wideBlocks(_ count: Int, of rowCount: Int) {
                        for _ in 0..<count {
                            wideRows(rowCount, panels: panels, r, column: j, k: k, alpha: alpha, a: a, b: b, ldb: ldb,
                                     panelStride: panelStride, beta: beta, c: c, ldc: ldc)
                            for _ in 0..<panels { ahead?.next() }  // one per panel, as ``tiles(rows:n:)`` counts them
                            r += rowCount
                        }
                    }
                    wideBlocks(six, of: 6)
                    wideBlocks(four, of: 4)
                    wideBlocks(three, of: 3)
                    for panel in 0..<panels {
                        let j = j + panel * panelWidth
                        let b = b + panel * (panelStride - panelWidth)
                        for r in r..<end {
                            oneRow(r, columns: j..<(j + panelWidth), k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                            ahead?.next()
                        }
                    }
                    j += panels * panelWidth
                    continue
                }
                for _ in 0..<six {
                    sixRows(r, column: j, k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    ahead?.next()
                    r += 6
                }
                for _ in 0..<four {
                    fewRows(r, 4, columns: columns, k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    ahead?.next()
                    r += 4
                }
                for _ in 0..<three {
                    fewRows(r, 3, columns: columns, k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    ahead?.next()
                    r += 3
                }
                while r < end {
                    oneRow(r, columns: columns, k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
                    ahead?.next()
                    r += 1
                }
                j = columns.upperBound
            }
            block = end
        }
    }

    /// A's base, the stride from one row of it to the next, and from one element of a row to the
    /// next; and where a row's elements from `split` on continue when they are held elsewhere
    /// (``GEMM/aSecond``, A not transposed): `second`, its rows `secondRowStride` apart, elements
    /// contiguous. `split` is `Int.max` otherwise: the kernels' second loop then runs no step.
    struct Rows {
        var base: UnsafePointer<Float>
        var rowStride: Int, kStride: Int
        var split = Int.max
        var second: UnsafePointer<Float>
        var secondRowStride = 0
        /// Set for rows whose first `split` elements are the same in every row: their part of
        /// each sum, `[n]`, which the accumulators start from instead of taking those elements.
        var initial: UnsafePointer<Float>?

        @inline(__always)
        init(_ base: UnsafePointer<Float>, rowStride: Int, kStride: Int) {
            self.base = base; self.rowStride = rowStride; self.kStride = kStride; second = base
        }

        @inline(__always)
        mutating func continueAt(_ column: Int, in values: UnsafePointer<Float>, rowStride: Int) {
            split = column; second = values; secondRowStride = rowStride
        }
    }

    /// The fewest kernel calls ``blocks(rows:n:k:alpha:a:b:ldb:panelStride:beta:c:ldc:cSecond:lookahead:readsAhead:)``
    /// makes over `rows` rows and `n` columns: a six-row block per panel.
    @inline(__always)
    static func tiles(rows: Int, n: Int) -> Int { (n + panelWidth - 1) / panelWidth * ((rows + 5) / 6) }

    /// How many 6-, 4- and 3-row blocks to take from `rows` (single rows after them): as many
    /// 6-row blocks as fit, less one where the rest then splits into 4- and 3-row blocks without
    /// single rows (32 = 4·6 + 2·4, 31 = 4·6 + 4 + 3). A single row runs two accumulators a
    /// panel, a quarter of what the FMA units' latency asks for; it was 1.4% of stacked-bilstm's
    /// training samples, from the odd row counts of loops that share their rows' padded prefixes.
    /// Against 6- and 4-row blocks and single rows, interleaved (medians of 40): stacked-bilstm's
    /// training step 47.66 → 47.25 and 48.36 → 47.68 ms; the other presets level.
    @inline(__always)
    static func rowBlocks(_ rows: Int) -> (six: Int, four: Int, three: Int) {
        let (blocks, rest) = rows.quotientAndRemainder(dividingBy: 6)
        switch rest {
        case 0: return (blocks, 0, 0)
        case 1: return blocks > 0 ? (blocks - 1, 1, 1) : (0, 0, 0)
        case 2: return blocks > 0 ? (blocks - 1, 2, 0) : (0, 0, 0)
        case 3: return (blocks, 0, 1)
        case 4: return (blocks, 1, 0)
        default: return blocks > 0 ? (blocks - 1, 2, 1) : (0, 1, 0)
        }
    }

    /// `acc += x · y`: fused where the build targets FMA (`RECUR_FMA`, see Package.swift), else a
    /// multiply and an add — `addProduct` without FMA hardware is a libm `fmaf` call per lane.
    @inline(__always)
    static func madd(_ acc: inout Vector, _ x: Vector, _ y: Vector) {
        #if RECUR_FMA
        acc.addProduct(x, y)
        #else
        acc += x * y
        #endif
    }

    @inline(__always)
    static func finish(_ acc: Vector, alpha: Float, beta: Float, _ p: UnsafeMutablePointer<Float>, count: Int) {
        var v = acc
        if alpha != 1 { v *= alpha }
        if beta != 0 { v = v + beta * (count == 8 ? VectorMath.load(p) : VectorMath.load(p, count: count)) }
        if count == 8 { VectorMath.store(v, p) } else { VectorMath.store(v, p, count: count) }
    }

    /// The 8 columns from `j` of row `row` of B, or the `count` < 8 there, zero-padded.
    @inline(__always)
    static func bRow(_ b: UnsafePointer<Float>, _ count: Int) -> Vector {
        count == 8 ? VectorMath.load(b) : VectorMath.load(b, count: count)
    }

    /// Six rows by 16 columns: twelve accumulators, two rows of B and a broadcast fill 15 of the
    /// 16 AVX registers, so each B load feeds six multiply-adds (four rows leave the loop bound
    /// by loads: 6 loads per 8 multiply-adds against 8 per 12 here; 15–40% faster at the
    /// reference models' shapes).
    @inline(__always)
    static func sixRows(_ r: Int, column j: Int, k: Int, alpha: Float, a: Rows,
                        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        var s00 = Vector(), s01 = Vector(), s10 = Vector(), s11 = Vector(), s20 = Vector(), s21 = Vector()
        var s30 = Vector(), s31 = Vector(), s40 = Vector(), s41 = Vector(), s50 = Vector(), s51 = Vector()
        var bp = b + j
        // Elements `0..<count` of rows `r…r+5` from `a0`, rows `s` and elements `ks` apart.
        @inline(__always) func accumulate(_ a0: UnsafePointer<Float>, _ s: Int, _ ks: Int, _ count: Int) {
            let a1 = a0 + s, a2 = a1 + s, a3 = a2 + s, a4 = a3 + s, a5 = a4 + s
            for kk in 0..<count {
                let b0 = VectorMath.load(bp), b1 = VectorMath.load(bp + 8)
                var x = Vector(repeating: a0[kk * ks])
                madd(&s00, x, b0); madd(&s01, x, b1)
                x = Vector(repeating: a1[kk * ks])
                madd(&s10, x, b0); madd(&s11, x, b1)
                x = Vector(repeating: a2[kk * ks])
                madd(&s20, x, b0); madd(&s21, x, b1)
                x = Vector(repeating: a3[kk * ks])
                madd(&s30, x, b0); madd(&s31, x, b1)
                x = Vector(repeating: a4[kk * ks])
                madd(&s40, x, b0); madd(&s41, x, b1)
                x = Vector(repeating: a5[kk * ks])
                madd(&s50, x, b0); madd(&s51, x, b1)
                bp += ldb
            }
        }
        let first = Swift.min(k, a.split)
        if let initial = a.initial {
            let i0 = VectorMath.load(initial + j), i1 = VectorMath.load(initial + j + 8)
            s00 = i0; s01 = i1; s10 = i0; s11 = i1; s20 = i0; s21 = i1; s30 = i0; s31 = i1; s40 = i0; s41 = i1; s50 = i0; s51 = i1
            bp += first * ldb
        } else {
            accumulate(a.base + r * a.rowStride, a.rowStride, a.kStride, first)
        }
        if first < k { accumulate(a.second + r * a.secondRowStride, a.secondRowStride, 1, k - first) }
        let c0 = c + r * ldc + j
        let c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc
        finish(s00, alpha: alpha, beta: beta, c0, count: 8); finish(s01, alpha: alpha, beta: beta, c0 + 8, count: 8)
        finish(s10, alpha: alpha, beta: beta, c1, count: 8); finish(s11, alpha: alpha, beta: beta, c1 + 8, count: 8)
        finish(s20, alpha: alpha, beta: beta, c2, count: 8); finish(s21, alpha: alpha, beta: beta, c2 + 8, count: 8)
        finish(s30, alpha: alpha, beta: beta, c3, count: 8); finish(s31, alpha: alpha, beta: beta, c3 + 8, count: 8)
        finish(s40, alpha: alpha, beta: beta, c4, count: 8); finish(s41, alpha: alpha, beta: beta, c4 + 8, count: 8)
        finish(s50, alpha: alpha, beta: beta, c5, count: 8); finish(s51, alpha: alpha, beta: beta, c5 + 8, count: 8)
    }

    /// Four rows, or three (`rowCount`, a constant at each call: the fourth row's code folds
    /// away), by 16 columns and then 8 or a tail.
    @inline(__always)
    static func fewRows(_ r: Int, _ rowCount: Int, columns: Range<Int>, k: Int, alpha: Float, a: Rows,
                        b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let four = rowCount == 4
        let c0 = c + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
        let first = Swift.min(k, a.split)
        let n = columns.upperBound
        var j = columns.lowerBound
        while j + 16 <= n {
            var s00 = Vector(), s01 = Vector(), s10 = Vector(), s11 = Vector()
            var s20 = Vector(), s21 = Vector(), s30 = Vector(), s31 = Vector()
            var bp = b + j
            @inline(__always) func accumulate(_ a0: UnsafePointer<Float>, _ s: Int, _ ks: Int, _ count: Int) {
                let a1 = a0 + s, a2 = a1 + s, a3 = a2 + s
                for kk in 0..<count {
                    let b0 = VectorMath.load(bp), b1 = VectorMath.load(bp + 8)
                    let x0 = Vector(repeating: a0[kk * ks]), x1 = Vector(repeating: a1[kk * ks])
                    madd(&s00, x0, b0); madd(&s01, x0, b1)
                    madd(&s10, x1, b0); madd(&s11, x1, b1)
                    let x2 = Vector(repeating: a2[kk * ks])
                    madd(&s20, x2, b0); madd(&s21, x2, b1)
                    if four {
                        let x3 = Vector(repeating: a3[kk * ks])
                        madd(&s30, x3, b0); madd(&s31, x3, b1)
                    }
                    bp += ldb
                }
            }
            if let initial = a.initial {
                let i0 = VectorMath.load(initial + j), i1 = VectorMath.load(initial + j + 8)
                s00 = i0; s01 = i1; s10 = i0; s11 = i1; s20 = i0; s21 = i1; s30 = i0; s31 = i1
                bp += first * ldb
            } else {
                accumulate(a.base + r * a.rowStride, a.rowStride, a.kStride, first)
            }
            if first < k { accumulate(a.second + r * a.secondRowStride, a.secondRowStride, 1, k - first) }
            finish(s00, alpha: alpha, beta: beta, c0 + j, count: 8); finish(s01, alpha: alpha, beta: beta, c0 + j + 8, count: 8)
            finish(s10, alpha: alpha, beta: beta, c1 + j, count: 8); finish(s11, alpha: alpha, beta: beta, c1 + j + 8, count: 8)
            finish(s20, alpha: alpha, beta: beta, c2 + j, count: 8); finish(s21, alpha: alpha, beta: beta, c2 + j + 8, count: 8)
            if four { finish(s30, alpha: alpha, beta: beta, c3 + j, count: 8); finish(s31, alpha: alpha, beta: beta, c3 + j + 8, count: 8) }
            j += 16
        }
        while j < n {
            let width = Swift.min(8, n - j)
            var s0 = Vector(), s1 = Vector(), s2 = Vector(), s3 = Vector()
            var bp = b + j
            @inline(__always) func accumulate(_ a0: UnsafePointer<Float>, _ s: Int, _ ks: Int, _ count: Int) {
                let a1 = a0 + s, a2 = a1 + s, a3 = a2 + s
                for kk in 0..<count {
                    let b0 = bRow(bp, width)
                    madd(&s0, Vector(repeating: a0[kk * ks]), b0); madd(&s1, Vector(repeating: a1[kk * ks]), b0)
                    madd(&s2, Vector(repeating: a2[kk * ks]), b0)
                    if four { madd(&s3, Vector(repeating: a3[kk * ks]), b0) }
                    bp += ldb
                }
            }
            if let initial = a.initial {
                let i0 = bRow(initial + j, width)
                s0 = i0; s1 = i0; s2 = i0; s3 = i0
                bp += first * ldb
            } else {
                accumulate(a.base + r * a.rowStride, a.rowStride, a.kStride, first)
            }
            if first < k { accumulate(a.second + r * a.secondRowStride, a.secondRowStride, 1, k - first) }
            finish(s0, alpha: alpha, beta: beta, c0 + j, count: width); finish(s1, alpha: alpha, beta: beta, c1 + j, count: width)
            finish(s2, alpha: alpha, beta: beta, c2 + j, count: width)
            if four { finish(s3, alpha: alpha, beta: beta, c3 + j, count: width) }
            j += width
        }
    }

    @inline(__always)
    static func oneRow(_ r: Int, columns: Range<Int>, k: Int, alpha: Float, a: Rows,
                       b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        let c0 = c + r * ldc
        let first = Swift.min(k, a.split)
        let n = columns.upperBound
        var j = columns.lowerBound
        while j + 16 <= n {
            var s00 = Vector(), s01 = Vector()
            var bp = b + j
            @inline(__always) func accumulate(_ a0: UnsafePointer<Float>, _ ks: Int, _ count: Int) {
                for kk in 0..<count {
                    let x0 = Vector(repeating: a0[kk * ks])
                    madd(&s00, x0, VectorMath.load(bp)); madd(&s01, x0, VectorMath.load(bp + 8))
                    bp += ldb
                }
            }
            if let initial = a.initial {
                s00 = VectorMath.load(initial + j); s01 = VectorMath.load(initial + j + 8)
                bp += first * ldb
            } else {
                accumulate(a.base + r * a.rowStride, a.kStride, first)
            }
            if first < k { accumulate(a.second + r * a.secondRowStride, 1, k - first) }
            finish(s00, alpha: alpha, beta: beta, c0 + j, count: 8); finish(s01, alpha: alpha, beta: beta, c0 + j + 8, count: 8)
            j += 16
        }
        while j < n {
            let width = Swift.min(8, n - j)
            var s0 = Vector()
            var bp = b + j
            @inline(__always) func accumulate(_ a0: UnsafePointer<Float>, _ ks: Int, _ count: Int) {
                for kk in 0..<count {
                    madd(&s0, Vector(repeating: a0[kk * ks]), bRow(bp, width))
                    bp += ldb
                }
            }
            if let initial = a.initial {
                s0 = bRow(initial + j, width)
                bp += first * ldb
            } else {
                accumulate(a.base + r * a.rowStride, a.kStride, first)
            }
            if first < k { accumulate(a.second + r * a.secondRowStride, 1, k - first) }
            finish(s0, alpha: alpha, beta: beta, c0 + j, count: width)
            j += width
        }
    }
}
