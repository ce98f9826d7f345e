/// How the CPU backend runs a loop whose rows may share their padded prefix
/// (``RecurrentLoop/sharesPaddedPrefix``): rows still inside their leading run of token slot 0
/// at a timestep have seen the same inputs from the same initial state, so their states are
/// equal, and each tile computes one of them (the last in its order) and copies it into the
/// others when their text starts.
///
/// For that the loop runs its rows in another order than the batch's (``order``): each tile
/// holds its rows by decreasing padding, so the rows still in padding at a timestep are the
/// first of the tile and the rest a contiguous range for ``RowGEMM`` and the cells. The rows
/// are dealt to the tiles in turn, so that each tile gets as much text as the others. The
/// cells read each row's token through ``order`` and write an output sequence through it
/// (each step's stand-in's row copied to the rows it stood for); after the loop the final
/// state (and cell state), the only other rows read after it, go back to the batch's order.
/// The state history stays in the loop's order, which is why a loop that may share has its
/// output sequence in a buffer of its own (``RecurrentSequence/Shape``). Each row's arithmetic is
/// the same whichever row of the loop it runs on, so the results are the same bits.
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

    init(batch: Int, width: Int, timestepStarts: [Int], tokenIDs: UnsafePointer<Int32>) {
        self.batch = batch; self.width = width; self.timestepStarts = timestepStarts; self.tokenIDs = tokenIDs
        order = .allocate(capacity: batch)
        padding = .allocate(capacity: batch)
        scratch = .allocate(capacity: batch * width)
        for b in 0..<batch { order[b] = Int32(b); padding[b] = 0 }
    }

    deinit {
        order.deallocate(); padding.deallocate(); scratch.deallocate()
    }

    /// Orders the rows for this run's `tiles` (contiguous, covering the batch in order). Shares
    /// nothing (every row its own, in the batch's order) unless every row starts from the same
    /// state, `initialState` (and `initialCellState`), as a zero initial state does. Returns the
    /// row-steps the run copies instead of computing.
    @discardableResult
    func arrange(tiles: [Range<Int>], initialState: UnsafePointer<Float>, initialCellState: UnsafePointer<Float>?) -> Int {
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
        guard leading.contains(where: { $0 > 0 }) else {
            for b in 0..<batch { order[b] = Int32(b); padding[b] = 0 }
            return 0
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
        // Each tile computes one of its rows in padding at each step: its longest padded row's.
        return tiles.reduce(0) { shared, rows in
            shared + rows.reduce(0) { $0 + Int(padding[$1]) } - (rows.isEmpty ? 0 : Int(padding[rows.lowerBound]))
        }
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

    static func rowsEqual(_ values: UnsafePointer<Float>, rows: Int, width: Int) -> Bool {
        for row in 1..<Swift.max(rows, 1) {
            for j in 0..<width where values[row * width + j] != values[j] { return false }
        }
        return true
    }
}
