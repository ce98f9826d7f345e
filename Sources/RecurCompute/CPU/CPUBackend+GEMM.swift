import CBLAS

extension CPUBackend {
    /// OpenBLAS runs single-threaded inside this backend's workers: a large product is split here
    /// into two blocks of C's rows (or columns when there are few rows), run on two workers.
    /// OpenBLAS's own pool would spin in `sched_yield` between calls, taking a core from the cell
    /// loops that run between the products. The split depends on the shape only — OpenBLAS's
    /// result for a row depends on the block it is computed in — so results do not change with
    /// the thread count.
    func gemm(_ o: GEMM) {
        if (o.aSecond != nil || o.cSecond != nil) && !Self.readsSecondColumnsInOnePass(o) {
            // One split at a time: a part may be one this backend reads in one pass.
            for part in o.partsSplitOnce { gemm(part) }
            return
        }
        if let live = liveRows(of: o) {
            liveRowsProduct(o, rows: live)
            return
        }
        if Self.runsInRowGEMM(o) {
            rowGEMM(o)
            return
        }
        if Self.splitsInner(o) {
            splitInner(o)
            return
        }
        defer { if case .sumRows(let sums)? = o.columnSumsOp { sumRows(sums) } }
        let ta = o.transposeA ? CblasTrans : CblasNoTrans
        let tb = o.transposeB ? CblasTrans : CblasNoTrans
        let a = o.a.hostPointer, b = o.b.hostPointer, c = o.c.hostPointer
        let splitRows = o.m >= o.n || o.m >= 64
        let extent = splitRows ? o.m : o.n
        let blocks = o.flops >= Self.parallelGEMMFlops && extent >= 32 ? 2 : 1
        for i in 0..<o.batch {
            let (ai, bi, ci) = (a + i * o.strideA, b + i * o.strideB, c + i * o.strideC)
            func run(_ block: Int) {
                let start = extent * block / blocks, end = extent * (block + 1) / blocks
                if splitRows {
                    cblas_sgemm(CblasRowMajor, ta, tb, Int32(end - start), Int32(o.n), Int32(o.k), o.alpha,
                                ai + (o.transposeA ? start : start * o.lda), Int32(o.lda), bi, Int32(o.ldb), o.beta,
                                ci + start * o.ldc, Int32(o.ldc))
                } else {
                    cblas_sgemm(CblasRowMajor, ta, tb, Int32(o.m), Int32(end - start), Int32(o.k), o.alpha,
                                ai, Int32(o.lda), bi + (o.transposeB ? start * o.ldb : start), Int32(o.ldb), o.beta,
                                ci + start, Int32(o.ldc))
                }
            }
            if blocks == 1 || threads == 1 {
                for block in 0..<blocks { run(block) }
            } else {
                pool.perform(iterations: blocks, run)
            }
        }
    }

    /// Below this many FLOPs a product runs on one worker.
    static let parallelGEMMFlops = 2e6
    /// Products with a short inner dimension and a `B` that stays in L2 — the input projection of
    /// an embedding of 32–128 features, the input gradient `dZ · Wᵀ` of a gate width up to 256 —
    /// run in ``RowGEMM``: OpenBLAS spends as long packing a `[T·B, 32]` operand as multiplying
    /// it, and single-threaded RowGEMM's 6×16 tile ran 80 GFLOP/s against OpenBLAS's 71–77 at
    /// `[8192, 256] × [256, 64]` and `[6400, 256] × [256, 128]`. At k = 300 (bigru-w2v) OpenBLAS
    /// is ahead again (82 against 75).
    static let rowGEMMMaximumK = 256
    static let rowGEMMMaximumPanel = 1 << 16

    static func runsInRowGEMM(_ o: GEMM) -> Bool {
        !o.transposeA && o.batch == 1 && o.k <= rowGEMMMaximumK && o.k * o.n <= rowGEMMMaximumPanel
    }

    /// Whether the product's path here reads A's second block of columns, or writes C's, in its
    /// one pass (``GEMM/aSecond``, ``GEMM/bSecond``, ``GEMM/cSecond``): ``RowGEMM`` does, for a split along k or
    /// along C's panels, and for a transposed A split along m in its k-split weight gradient.
    /// Else the product runs as its ``GEMM/partsSplitOnce``, each again.
    static func readsSecondColumnsInOnePass(_ o: GEMM) -> Bool {
        // B's second block is packed beside its first (``RowGEMM/PackedB``).
        if o.bSecond != nil && !runsInRowGEMM(o) { return false }
        if let split = o.cSecond { return runsInRowGEMM(o) && split.column % RowGEMM.panelWidth == 0 }
        guard o.aSecond != nil else { return true }
        return runsInRowGEMM(o) || (splitsInner(o) && runsTransposedAInRowGEMM(o) && o.zeroRowsOfLoop == nil)
    }

    /// `o` in ``RowGEMM``, its rows split across the workers (a row's result does not depend on
    /// the split), `B` packed into scratch memory first (``RowGEMM/PackedB``).
    func rowGEMM(_ o: GEMM) {
        let packed = RowGEMM.PackedB.count(n: o.n, k: o.k)
        let equalRows = equalLeadingRows(of: o)
        let scratch = productScratch(upTo: packed + (equalRows?.count ?? 0) * o.n)
        let b = RowGEMM.PackedB.pack(o.b.hostPointer, ldb: o.ldb, transposed: o.transposeB, n: o.n, k: o.k,
                                     second: o.bSecond.map { (UnsafePointer($0.tensor.hostPointer), $0.column, $0.ld) }, into: scratch)
        if let equalRows {
            sharedRowGEMM(o, b: b, equalRows: equalRows, partialSums: scratch + packed)
            return
        }
        let a = UnsafePointer(o.a.hostPointer), c = o.c.hostPointer
        let chunks = o.flops >= Self.parallelGEMMFlops ? Swift.max(1, Swift.min(rowChunks(o), o.m / 4)) : 1
        let run = { (chunk: Int) in
            // Chunk bounds on multiples of 4 rows keep the 4-row blocks whole.
            let quads = (o.m + 3) / 4
            let start = Swift.min(o.m, 4 * (quads * chunk / chunks)), end = Swift.min(o.m, 4 * (quads * (chunk + 1) / chunks))
            RowGEMM.multiply(rows: start..<end, alpha: o.alpha, a: a, lda: o.lda,
                             aSecond: o.aSecond.map { (UnsafePointer($0.tensor.hostPointer), $0.column, $0.ld) }, b: b, beta: o.beta,
                             c: c, ldc: o.ldc, cSecond: o.cSecond.map { ($0.tensor.hostPointer, $0.column, $0.ld) })
        }
        if chunks == 1 { run(0) } else { pool.perform(iterations: chunks, run) }
    }

    /// How many blocks of rows a product in ``RowGEMM`` is cut into: one per worker, or two per
    /// worker from ``rowChunksDoublingFlops`` on. The workers take blocks as they finish, so on a
    /// shared host a worker that loses its core for a while takes fewer; a row's result does not
    /// depend on its block. Measured on stacked-bilstm's products inside training steps, 80–100
    /// runs each, interleaved (median/fastest, ms): the projection above the first BiLSTM
    /// 4.88/4.76 → 4.76/4.66 quiet and 6.02/4.86 → 5.73/4.76 loaded; the input gradient below the
    /// second 5.14/5.02 → 5.16/5.04 quiet and 6.48/5.18 → 5.97/5.10 loaded. Below about 1 ms of
    /// work the second block costs more than it saves (the token-table gradients' 0.40 → 0.44).
    func rowChunks(_ o: GEMM) -> Int {
        o.flops >= Self.rowChunksDoublingFlops ? 2 * threads : threads
    }

    static let rowChunksDoublingFlops = 2e8

    /// How many of a timestep's equal rows a product takes as one (``GEMM/sharedRowsOfLoop``):
    /// whole 6-row blocks, so that neither they nor the rest leave single rows for RowGEMM's
    /// slowest kernel. At stacked-bilstm's projection above its first BiLSTM (30% of the rows
    /// equal), every equal row taken saved 0–0.16 ms of 2.9, whole blocks 0.1–0.35 (medians of
    /// 30 runs each, interleaved).
    static func sharedRows(ofEqual rows: Int) -> Int { rows / 6 * 6 }

    /// For a product whose A's first block is a sharing loop's output sequence
    /// (``GEMM/sharedRowsOfLoop``; its rows along m, or along k when A is transposed), when its
    /// last run shared rows: at each timestep, how many rows from the first on hold the same
    /// first block (``PaddedPrefixSchedule/equalLeadingRows()``). Nil where no timestep has any
    /// to take as one: whole 6-row blocks for a row product (``sharedRows(ofEqual:)``), two rows
    /// for a weight gradient (``equalRowsWeightGradient(_:equalRows:)``).
    func equalLeadingRows(of o: GEMM) -> [Int]? {
        guard let loop = o.sharedRowsOfLoop, o.aSecond != nil, let schedule = sharedRowSchedule(ofLoop: loop),
              (o.transposeA ? o.k : o.m) == schedule.time * schedule.batch else { return nil }
        let rows = schedule.equalLeadingRows()
        return rows.contains { o.transposeA ? $0 >= 2 : Self.sharedRows(ofEqual: $0) > 0 } ? rows : nil
    }

    /// ``rowGEMM(_:)`` over a sharing loop's output: at each timestep the rows from the first on
    /// that hold the same first block of A (`equalRows`) take that block's part of their sums from
    /// the first of them, formed once (into `partialSums`, `[T, n]`), and multiply only their
    /// second block — about half of those rows' work, and the same bits
    /// (``RowGEMM/multiply(rows:alpha:startingFrom:aSecond:b:beta:c:ldc:)``). The timesteps are
    /// cut into one contiguous run per worker of about equal work.
    func sharedRowGEMM(_ o: GEMM, b: RowGEMM.PackedB, equalRows: [Int], partialSums: UnsafeMutablePointer<Float>) {
        let second = o.aSecond!
        let time = equalRows.count, batch = o.m / time, split = second.column
        let a = UnsafePointer(o.a.hostPointer), c = o.c.hostPointer
        let aSecond = (values: UnsafePointer(second.tensor.hostPointer), column: split, ld: second.ld)
        let cSecond = o.cSecond.map { (values: $0.tensor.hostPointer, column: $0.column, ld: $0.ld) }
        let shared = equalRows.map(Self.sharedRows(ofEqual:))
        var work = [0]
        for rows in shared { work.append(work.last! + batch * o.k - (rows > 0 ? (rows - 1) * split : 0)) }
        let chunks = o.flops >= Self.parallelGEMMFlops ? Swift.max(1, Swift.min(rowChunks(o), time)) : 1
        // Chunk `i` starts at the first timestep with `i / chunks` of the work before it.
        let starts = (0...chunks).map { chunk in work.firstIndex { $0 * chunks >= work.last! * chunk } ?? time }
        let run = { (chunk: Int) in
            for t in starts[chunk]..<Swift.min(time, starts[chunk + 1]) {
                let first = t * batch, rows = shared[t]
                if rows > 0 {
                    let sums = partialSums + t * o.n
                    RowGEMM.partialSums(ofRow: a + first * o.lda, k: split, b: b, into: sums)
                    RowGEMM.multiply(rows: first..<(first + rows), alpha: o.alpha, startingFrom: sums, aSecond: aSecond, b: b,
                                     beta: o.beta, c: c, ldc: o.ldc, cSecond: cSecond)
                }
                if rows < batch {
                    RowGEMM.multiply(rows: (first + rows)..<(first + batch), alpha: o.alpha, a: a, lda: o.lda, aSecond: aSecond, b: b,
                                     beta: o.beta, c: c, ldc: o.ldc, cSecond: cSecond)
                }
            }
        }
        if chunks == 1 { run(0) } else { pool.perform(iterations: chunks, run) }
        counters.equalRowsShared += shared.reduce(0, +)
    }

    /// A split weight gradient of at most 128 rows runs in ``RowGEMM`` (see
    /// ``RowGEMM/multiplyTransposedA(m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``). Interleaved runs
    /// of the reference models against OpenBLAS for these, median of 20 steps: up to 32 rows,
    /// lstm-imdb 25.2–25.8 → 24.0–24.3 ms, stacked-bilstm 81.3–81.5 → 77.5–77.9; up to 128,
    /// bilstm and bigru-w2v about 1 ms better again, stacked-bilstm level. (On operands already
    /// in cache OpenBLAS is ahead at 64–128 rows; a step's are not: dZ was just written, and is
    /// larger than the cache.)
    static func runsTransposedAInRowGEMM(_ o: GEMM) -> Bool {
        o.transposeA && !o.transposeB && o.m <= 128
    }

    /// Products at least this deep, and ``splitInnerMinimumDepthRatio``× deeper than wide, split
    /// along k (`splitInner`). 2,048 brings stacked-simplernn's weight gradients over 2,276–2,560
    /// rows in (and so into ``RowGEMM``): 3.16–3.41 → 3.00–3.44 ms a step, interleaved, median of
    /// 50 steps.
    static let splitInnerMinimumK = 2048
    /// 8, not 16: stacked-bilstm's token-table gradients (`[64, 256]` over its ~2,400 distinct
    /// tokens) then split too, each 0.67 → 0.44 ms (fastest of 80 runs inside training steps,
    /// medians 0.72 → 0.66), against OpenBLAS's two blocks of rows. bilstm's `[128, 256]` over
    /// ~1,500 tokens stays with OpenBLAS: split 4× deep, it measured 10% slower.
    static let splitInnerMinimumDepthRatio = 8

    static func splitsInner(_ o: GEMM) -> Bool {
        o.batch == 1 && o.k >= splitInnerMinimumK && o.k >= splitInnerMinimumDepthRatio * Swift.max(o.m, o.n) && o.flops >= parallelGEMMFlops
    }

    /// A product whose inner dimension dwarfs its output — a weight gradient summed over all T·B
    /// rows, `[D, G] = Xᵀ · dZ` — in two halves of k: each worker streams half the rows into its
    /// own partial C and the partials add at the end. Splitting C instead has both workers stream
    /// every row of the larger operand, which is what the time goes on. As everywhere here the
    /// split depends on the shape only, so the sum's order does not change with the thread count.
    func splitInner(_ o: GEMM) {
        let ta = o.transposeA ? CblasTrans : CblasNoTrans
        let tb = o.transposeB ? CblasTrans : CblasNoTrans
        let a = o.a.hostPointer, b = o.b.hostPointer, c = o.c.hostPointer
        let half = o.k / 2
        let inRowGEMM = Self.runsTransposedAInRowGEMM(o)
        if inRowGEMM, let equalRows = equalLeadingRows(of: o), equalRows.count >= 2 {
            return equalRowsWeightGradient(o, equalRows: equalRows)
        }
        let partial = productScratch(upTo: o.m * o.n + o.n)
        // Each half's column sums of B (``GEMM/columnSums``) as RowGEMM reads its rows; the second
        // half's after the partial C.
        let sums = inRowGEMM ? o.columnSums?.hostPointer : nil, partialSums = partial + o.m * o.n
        func run(_ block: Int) {
            let start = block == 0 ? 0 : half, depth = block == 0 ? half : o.k - half
            let aStart = a + (o.transposeA ? start * o.lda : start), bStart = b + (o.transposeB ? start : start * o.ldb)
            if inRowGEMM {
                RowGEMM.multiplyTransposedA(m: o.m, n: o.n, k: depth, alpha: o.alpha, a: aStart, lda: o.lda,
                                            aSecond: o.aSecond.map { (UnsafePointer($0.tensor.hostPointer + start * $0.ld), $0.column, $0.ld) },
                                            b: bStart, ldb: o.ldb,
                                            beta: block == 0 ? o.beta : 0, c: block == 0 ? c : partial, ldc: block == 0 ? o.ldc : o.n,
                                            columnSums: sums.map { block == 0 ? $0 : partialSums })
            } else if block == 0 {
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(o.m), Int32(o.n), Int32(depth), o.alpha, aStart, Int32(o.lda),
                            bStart, Int32(o.ldb), o.beta, c, Int32(o.ldc))
            } else {
                cblas_sgemm(CblasRowMajor, ta, tb, Int32(o.m), Int32(o.n), Int32(depth), o.alpha, aStart, Int32(o.lda),
                            bStart, Int32(o.ldb), 0, partial, Int32(o.n))
            }
        }
        runHalves(o, parallel: threads > 1, partial: partial, sums: sums, run)
        if sums == nil, case .sumRows(let sums)? = o.columnSumsOp { sumRows(sums) }
    }

    /// A weight gradient `Xᵀ · dZ` above a forward direction that shared its rows' padded
    /// prefixes: each timestep's equal rows take their first block's part once, from the sum of
    /// their rows of dZ (``RowGEMM/multiplyTransposedA(timesteps:batch:m:n:alpha:a:lda:aSecond:b:ldb:beta:c:ldc:columnSums:equalRows:standInSums:standInRows:)``),
    /// 29% of the first block's rows at stacked-bilstm's second layer on the bench's batch. As
    /// ``splitInner(_:)``, two halves of the timesteps, cut where half the work is done (the same
    /// cut for any thread count; two timesteps at least), the second into its own partial C and
    /// added after.
    ///
    /// Measured there, each of the two products inside training steps (fastest of 60): 2.85 →
    /// 2.63 and 2.83 → 2.64 ms (medians 2.92 → 2.68, 2.88 → 2.69); whole backward passes,
    /// interleaved, medians of 40: 34.51 → 33.63 and 32.86 → 32.25 ms. Less than the 15% of the
    /// arithmetic it skips: the first block's walk restarts at every timestep.
    ///
    /// Not kept: the same for the input gradient below it (`dZ · Wᵀ` into that direction's output
    /// gradient, whose backward folds the equal rows into their stand-in anyway, so only their
    /// sum matters: one row of it from the sum of their rows of dZ, the others left zero). Built
    /// and correct within rounding, it measured 5.27–5.32 against 5.16–5.22 ms (medians of 80,
    /// interleaved): the timestep-by-timestep calls and their ragged row blocks cost what the
    /// rows saved.
    func equalRowsWeightGradient(_ o: GEMM, equalRows: [Int]) {
        let second = o.aSecond!
        let time = equalRows.count, batch = o.k / time, split = second.column
        let partial = productScratch(upTo: o.m * o.n + o.n + time * (o.n + split))
        let partialSums = partial + o.m * o.n, standInSums = partialSums + o.n, standInRows = standInSums + time * o.n
        let sums = o.columnSums?.hostPointer
        var work = [0]
        for rows in equalRows { work.append(work.last! + batch * o.m - Swift.max(0, rows - 1) * split) }
        // Both halves take at least one timestep.
        let cut = Swift.min(time - 1, Swift.max(1, work.firstIndex { 2 * $0 >= work.last! } ?? 1))
        func run(_ block: Int) {
            let steps = block == 0 ? 0..<cut : cut..<time
            let row = steps.lowerBound * batch
            RowGEMM.multiplyTransposedA(timesteps: steps.count, batch: batch, m: o.m, n: o.n, alpha: o.alpha,
                                        a: o.a.hostPointer + row * o.lda, lda: o.lda,
                                        aSecond: (UnsafePointer(second.tensor.hostPointer + row * second.ld), split, second.ld),
                                        b: o.b.hostPointer + row * o.ldb, ldb: o.ldb, beta: block == 0 ? o.beta : 0,
                                        c: block == 0 ? o.c.hostPointer : partial, ldc: block == 0 ? o.ldc : o.n,
                                        columnSums: sums.map { block == 0 ? $0 : partialSums }, equalRows: equalRows[steps],
                                        standInSums: standInSums + steps.lowerBound * o.n,
                                        standInRows: standInRows + steps.lowerBound * split)
        }
        runHalves(o, parallel: threads > 1, partial: partial, sums: sums, run)
        counters.equalRowsSummed += equalRows.reduce(0) { $0 + Swift.max(0, $1 - 1) }
    }

    /// Runs a product's two halves of k, `run(0)` into C and `run(1)` into `partial` (`[m, n]`,
    /// then `[n]` of column sums when `sums` is given), side by side when `parallel`, and adds the
    /// second's into C and `sums`.
    private func runHalves(_ o: GEMM, parallel: Bool, partial: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>?,
                           _ run: (Int) -> Void) {
        if parallel {
            pool.perform(iterations: 2, run)
        } else {
            run(0); run(1)
        }
        let c = o.c.hostPointer
        for row in 0..<o.m {
            let cRow = c + row * o.ldc, pRow = partial + row * o.n
            for column in 0..<o.n { cRow[column] += pRow[column] }
        }
        if let sums {
            let partialSums = partial + o.m * o.n
            for column in 0..<o.n { sums[column] += partialSums[column] }
        }
    }

    /// The rows of the k dimension a weight gradient reads that may be non-zero, when it reads a
    /// shared training loop's gate gradients (``GEMM/zeroRowsOfLoop``) in ``RowGEMM``.
    func liveRows(of o: GEMM) -> [Range<Int>]? {
        guard let gates = o.zeroRowsOfLoop, o.batch == 1, Self.runsTransposedAInRowGEMM(o),
              let schedule = zeroRowSchedule(ofLoop: gates), o.k == schedule.time * schedule.batch else { return nil }
        let rows = schedule.liveGateGradientRows()
        // Each half needs a row.
        return rows.reduce(0) { $0 + $1.count } >= 2 ? rows : nil
    }

    /// A weight gradient over only the rows of k that may be non-zero (`rows`, ascending): a
    /// shared loop's backward leaves the rows its stand-ins stood for zero, over half of
    /// lstm-imdb's. As ``splitInner(_:)``, two halves of those rows (cut by their count, whatever
    /// the thread count), the second into its own partial C and added after.
    func liveRowsProduct(_ o: GEMM, rows: [Range<Int>]) {
        let a = o.a.hostPointer, b = o.b.hostPointer, c = o.c.hostPointer
        let total = rows.reduce(0) { $0 + $1.count }
        // The two halves' ranges: the first `total / 2` live rows, then the rest.
        var halves: [[Range<Int>]] = [[], []], taken = 0
        for range in rows {
            let first = Swift.max(0, Swift.min(range.count, total / 2 - taken))
            if first > 0 { halves[0].append(range.lowerBound..<(range.lowerBound + first)) }
            if first < range.count { halves[1].append((range.lowerBound + first)..<range.upperBound) }
            taken += range.count
        }
        let partial = productScratch(upTo: o.m * o.n + o.n)
        let sums = o.columnSums?.hostPointer, partialSums = partial + o.m * o.n
        func run(_ block: Int) {
            let target = block == 0 ? c : partial, ldc = block == 0 ? o.ldc : o.n
            let blockSums = sums.map { block == 0 ? $0 : partialSums }
            let ranges = halves[block]
            for (index, range) in ranges.enumerated() {
                let next = index + 1 < ranges.count ? ranges[index + 1] : nil
                RowGEMM.multiplyTransposedA(m: o.m, n: o.n, k: range.count, alpha: o.alpha, a: a + range.lowerBound * o.lda, lda: o.lda,
                                            b: b + range.lowerBound * o.ldb, ldb: o.ldb,
                                            beta: index > 0 ? 1 : block == 0 ? o.beta : 0, c: target, ldc: ldc,
                                            columnSums: blockSums, addingToSums: index > 0,
                                            followedBy: next.map { (UnsafePointer(a + $0.lowerBound * o.lda), UnsafePointer(b + $0.lowerBound * o.ldb), $0.count) })
            }
        }
        runHalves(o, parallel: threads > 1 && o.flops >= Self.parallelGEMMFlops, partial: partial, sums: sums, run)
        counters.zeroRowsSkipped += o.k - total
    }
}
