/// How the CPU backend runs a loop whose rows may share their padded prefix
/// (``RecurrentLoop/paddedPrefix``): rows still inside their leading run of token slot 0
/// at a timestep have seen the same inputs from the same initial state, so their states are
/// equal, and each tile computes one of them (the last in its order) and copies it into the
/// others when their text starts.
///
/// For that each tile holds its rows by decreasing padding, so that the rows still in padding
/// at a timestep are the first of the tile and the rest a contiguous range for ``RowGEMM`` and
/// the cells. Each row's arithmetic is the same whichever row of the loop it runs on, so the
/// forward's results are the same bits.
///
/// - Inference (``PaddedPrefixSharing/inference``): the loop runs its rows in another order than
///   the batch's (``order``), dealt to the tiles in turn so that each tile gets as much text as
///   the others. The cells read each row's token through ``order`` and write an output sequence
///   through it (each step's stand-in's row copied to the rows it stood for); after the loop the
///   final state (and cell state), the only other rows read after it, go back to the batch's
///   order. The state history stays in the loop's order, which is why such a loop has its output
///   sequence in a buffer of its own (``RecurrentSequence/Shape``).
/// - Training (``PaddedPrefixSharing/training``): the state history is read afterwards in the
///   batch's order, so the loop keeps it: it shares only when the batch already comes by
///   decreasing padding (the trainer orders each batch so: ``LabeledSequences/paddingOrdered(_:)``),
///   on tiles cut where they even out the row-steps computed, and copies each stand-in's state
///   into the rows it stood for at every step. The backward (``foldGradients``) goes through
///   the same tiles and stand-ins.
///
/// On IMDB's lstm-imdb batch (reviews padded to 500 words) 57% of the row-steps are padding.
final class PaddedPrefixSchedule {
    let batch: Int
    /// The timesteps, `T`: timestep `t`'s ops start at `timestepStarts[t]` in the loop's steps,
    /// and its cell is the loop's forward cell `t` (whose pointers say where the previous and
    /// the next state are).
    var time: Int { timestepStarts.count }
    let timestepStarts: [Int]
    /// The state's width (units).
    let width: Int
    /// `[B, T]`, batch-major: the token slots the cells read.
    private let tokenIDs: UnsafePointer<Int32>
    /// Loop row → batch row, which the cells' token rows read through.
    let order: UnsafeMutablePointer<Int32>
    /// Loop row → the timesteps it spends in its leading padding (0 when nothing is shared).
    let padding: UnsafeMutablePointer<Int32>
    /// `[B, width]`: the final state while it goes back to the batch's order.
    private let scratch: UnsafeMutablePointer<Float>
    /// Loop row → the end of its tile in the last arrangement.
    private let tileEnds: UnsafeMutablePointer<Int32>
    /// `.inference` or `.training`.
    let sharing: PaddedPrefixSharing
    /// The tiles of the last arrangement, and the row-steps it shares (0: none; then the order
    /// is the batch's and every padding 0): what the backward of a training loop goes through.
    private(set) var tiles: [Range<Int>] = []
    private(set) var sharedRowSteps = 0

    init(batch: Int, width: Int, timestepStarts: [Int], tokenIDs: UnsafePointer<Int32>, sharing: PaddedPrefixSharing) {
        precondition(sharing != .trainingBackward, "a backward loop follows its forward loop's schedule")
        self.batch = batch; self.width = width; self.timestepStarts = timestepStarts; self.tokenIDs = tokenIDs
        self.sharing = sharing
        order = .allocate(capacity: batch)
        padding = .allocate(capacity: batch)
        scratch = .allocate(capacity: batch * width)
        tileEnds = .allocate(capacity: batch)
        for b in 0..<batch { order[b] = Int32(b); padding[b] = 0; tileEnds[b] = Int32(batch) }
    }

    deinit {
        order.deallocate(); padding.deallocate(); scratch.deallocate(); tileEnds.deallocate()
    }

    /// Orders the rows for this run on `tiles` (contiguous, covering the batch in order) and
    /// returns the tiles to run them on: the same, or in training cut anew. Shares nothing
    /// (every row its own, in the batch's order) unless every row starts from the same state,
    /// `initialState` (and `initialCellState`), as a zero initial state does, and in training
    /// unless the batch comes by decreasing padding.
    @discardableResult
    func arrange(tiles: [Range<Int>], initialState: UnsafePointer<Float>, initialCellState: UnsafePointer<Float>?) -> [Range<Int>] {
        var leading = [Int32](repeating: 0, count: batch)
        if Self.rowsEqual(initialState, rows: batch, width: width)
            && initialCellState.map({ Self.rowsEqual($0, rows: batch, width: width) }) ?? true {
            for b in 0..<batch {
                let ids = tokenIDs + b * time
                var t = 0
                while t < time && ids[t] == 0 { t += 1 }
                leading[b] = Int32(t)
            }
        }
        let ordered = (1..<Swift.max(batch, 1)).allSatisfy { leading[$0] <= leading[$0 - 1] }
        guard leading.contains(where: { $0 > 0 }), sharing == .inference || ordered else {
            for b in 0..<batch { order[b] = Int32(b); padding[b] = 0 }
            return record(tiles)
        }
        if sharing == .training {
            for b in 0..<batch { order[b] = Int32(b); padding[b] = leading[b] }
            return record(Self.evenTiles(padding: leading, time: time, count: tiles.count))
        }
        // Longest padding first; ties in batch order, so that equal batches get equal orders.
        let sorted = (0..<batch).sorted { leading[$0] != leading[$1] ? leading[$0] > leading[$1] : $0 < $1 }
        var next = tiles.map(\.lowerBound)
        var tile = 0
        for b in sorted {
            while next[tile] == tiles[tile].upperBound { tile = (tile + 1) % tiles.count }
            order[next[tile]] = Int32(b)
            padding[next[tile]] = leading[b]
            next[tile] += 1
            tile = (tile + 1) % tiles.count
        }
        return record(tiles)
    }

    /// Keeps `tiles` and the row-steps they share: each tile computes one of its rows in
    /// padding at each step, its longest padded row's.
    private func record(_ tiles: [Range<Int>]) -> [Range<Int>] {
        self.tiles = tiles
        for tile in tiles { for row in tile { tileEnds[row] = Int32(tile.upperBound) } }
        sharedRowSteps = tiles.reduce(0) { shared, rows in
            shared + rows.reduce(0) { $0 + Int(padding[$1]) } - (rows.isEmpty ? 0 : Int(padding[rows.lowerBound]))
        }
        return tiles
    }

    /// At most `count` contiguous tiles of rows that come by decreasing `padding`, cut so that
    /// the most row-steps any tile computes is as small as it can be: a tile computes its rows'
    /// text and, through its stand-ins, as many padding steps as its first row has. Every tile
    /// keeps at least one row.
    static func evenTiles(padding: [Int32], time: Int, count: Int) -> [Range<Int>] {
        let batch = padding.count
        guard count > 1, batch > 1 else { return [0..<batch] }
        func cut(atMost limit: Int) -> [Range<Int>] {
            var tiles: [Range<Int>] = [], start = 0, cost = 0
            for row in 0..<batch {
                let text = time - Int(padding[row])
                if row > start && cost + text > limit {
                    tiles.append(start..<row)
                    start = row
                    cost = Int(padding[row])
                } else if row == start {
                    cost = Int(padding[row])
                }
                cost += text
            }
            tiles.append(start..<batch)
            return tiles
        }
        var low = 0, high = batch * time
        while low < high {
            let middle = (low + high) / 2
            if cut(atMost: middle).count <= count { high = middle } else { low = middle + 1 }
        }
        return cut(atMost: low)
    }

    /// The final state's rows (and the cell state's) back in the batch's order.
    func restoreBatchOrder(_ final: UnsafeMutablePointer<Float>) {
        scratch.update(from: final, count: batch * width)
        for row in 0..<batch {
            (final + Int(order[row]) * width).update(from: scratch + row * width, count: width)
        }
    }

    /// Copies row `source` of `rows` (each `width` wide) into `targets`.
    func copy(row source: Int, of rows: UnsafeMutablePointer<Float>, into targets: Range<Int>) {
        for row in targets { (rows + row * width).update(from: rows + source * width, count: width) }
    }

    /// Copies loop row `source`'s row of `output`, which is in the batch's order, into loop rows `targets`'.
    func copy(row source: Int, of output: UnsafeMutablePointer<Float>, inBatchOrderInto targets: Range<Int>) {
        let from = output + Int(order[source]) * width
        for row in targets { (output + Int(order[row]) * width).update(from: from, count: width) }
    }

    /// The row of `tile` that computes timestep `t`'s padding for the others: the last of its
    /// rows still in padding there (they come first, by decreasing padding), or its first row
    /// when none is. Its rows before it copy it (forward) or fold into it (backward). Found by
    /// bisection: every loop step of every tile asks, forward, backward and for the live rows.
    @inline(__always)
    func standIn(of tile: Range<Int>, at t: Int) -> Int {
        var low = tile.lowerBound, high = tile.upperBound
        while low < high {
            let middle = (low + high) / 2
            if Int(padding[middle]) > t { low = middle + 1 } else { high = middle }
        }
        return Swift.max(low - 1, tile.lowerBound)
    }

    /// Whether row `r` of the loop's gate gradients (`[T, B, ·]`, time-major) is one a training
    /// backward that followed this schedule left zero: at its timestep, a row in its padding
    /// whose next row in its tile is in padding too (the last of them stood for them).
    @inline(__always)
    func gateGradientIsZero(row r: Int) -> Bool {
        let t = r / batch, row = r - t * batch
        return row + 1 < Int(tileEnds[row]) && Int(padding[row + 1]) > t
    }

    /// The rows of the loop's gate gradients (`[T, B, ·]`, time-major) that a training backward
    /// following this schedule may have left non-zero, as ascending contiguous ranges: at each
    /// timestep each tile's rows from its stand-in (its last padded row) on.
    func liveGateGradientRows() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for t in 0..<time {
            for tile in tiles where !tile.isEmpty {
                let rows = (t * batch + standIn(of: tile, at: t))..<(t * batch + tile.upperBound)
                if let last = ranges.last, last.upperBound == rows.lowerBound {
                    ranges[ranges.count - 1] = last.lowerBound..<rows.upperBound
                } else {
                    ranges.append(rows)
                }
            }
        }
        return ranges
    }

    /// For each timestep `t`, how many batch rows from the first on, in the batch's order, are
    /// all still in their leading padding there: rows whose states the last run left equal at
    /// `t` (stand-ins copied, or the same arithmetic on the same inputs), in the state history
    /// and in an output sequence. A batch by decreasing padding (as the trainer and the
    /// benchmark order theirs) has them all there; another, those before its first shorter one.
    func equalLeadingRows() -> [Int] {
        var leading = [Int](repeating: 0, count: batch)
        for row in 0..<batch { leading[Int(order[row])] = Int(padding[row]) }
        // From the last timestep back, the run only grows: extend it while its next row is in padding.
        var rows = [Int](repeating: 0, count: time)
        var run = 0
        for t in stride(from: time - 1, through: 0, by: -1) {
            while run < batch && leading[run] > t { run += 1 }
            rows[t] = run
        }
        return rows
    }

    /// Adds the gradients reaching rows `rows` at a backward step into row `standIn`'s carried
    /// ones and zeroes their gate gradients: each one's output gradient, and for the rows whose
    /// own step after this one ran (from `carriedFrom` on) what it carried back — the carried
    /// and recurrent gradients, LSTM's cell gradient.
    func foldGradients(_ p: CellMath.BackwardPointers<Float>, units h: Int, gateWidth g: Int, of rows: Range<Int>,
                       carriedFrom: Int, into standIn: Int) {
        let carried = p.carriedGradient + standIn * h
        for row in rows {
            if let output = p.outputGradient { Self.add(output + row * h, to: carried, count: h) }
            guard row >= carriedFrom else { continue }
            Self.add(p.carriedGradient + row * h, to: carried, count: h)
            if let recurrent = p.recurrentGradient { Self.add(recurrent + row * h, to: carried, count: h) }
            if let cell = p.cellGradient { Self.add(cell + row * h, to: cell + standIn * h, count: h) }
        }
        (p.gateGradient + rows.lowerBound * g).update(repeating: 0, count: rows.count * g)
        (p.recurrentGateGradient.map { $0 + rows.lowerBound * g })?.update(repeating: 0, count: rows.count * g)
    }

    private static func add(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { target[j] += source[j] }
    }

    static func rowsEqual(_ values: UnsafePointer<Float>, rows: Int, width: Int) -> Bool {
        for row in 1..<Swift.max(rows, 1) {
            for j in 0..<width where values[row * width + j] != values[j] { return false }
        }
        return true
    }
}
