/// The `Float` fast forward of each cell kind, in two passes per batch row: first every gate's
/// activation over the row's contiguous pre-activations, straight into the saved gates, then the
/// state update from them.
///
/// The activations are what a cell step costs (a sigmoid or tanh is 13–16 cycles per eight
/// lanes here, the loads and adds around them a few), and a pass over one gate is a loop of small
/// independent iterations the core overlaps. The former single pass computed all four LSTM gates
/// of eight units per iteration: one long dependency chain per iteration, and a switch on the
/// cell kind and activations inside it (LSTM, H = 32: 126 → 94 cycles per eight units). Every value
/// is computed by the same operations in the same order as before, so results are unchanged.
///
/// The sigmoid and tanh passes, and LSTM and GRU rows with Keras's activations whole, run in C
/// (``CellKernels``): 16 lanes an instruction where the CPU has AVX-512, which Swift cannot
/// compile a second copy for. LSTM forward cells, 64 rows (ns per eight units, Zen 4): H = 32
/// 24.4 → 16.7, H = 64 22.4 → 14.7; the baseline copy 20.2 and 19.1.
extension CellMath {
    public static func forwardFast(_ cell: RecurrentCell, rows: Range<Int>, _ p: ForwardPointers<Float>) {
        switch cell.kind {
        case .gru(resetAfter: false): forward(cell, rows: rows, p)
        case .simpleRNN: simpleRNNForwardFast(cell, rows: rows, p)
        case .lstm: lstmForwardFast(cell, rows: rows, p)
        case .gru(resetAfter: true): gruForwardFast(cell, rows: rows, p)
        }
    }

    static func simpleRNNForwardFast(_ cell: RecurrentCell, rows: Range<Int>, _ p: ForwardPointers<Float>) {
        let h = cell.units, width = CellKernels.width
        for b in rows {
            if let mask = p.mask, mask[b] == 0 { forward(cell, rows: b..<(b + 1), p); continue }
            let saved = p.gates + b * cell.savedWidth
            activateSum(cell.activation, p.projectedInput(row: b, width: h), p.projectedState + b * h, p.bias, into: saved, count: h,
                        width: width)
            finishRow(b, output: UnsafePointer(saved), units: h, p)
        }
    }

    static func lstmForwardFast(_ cell: RecurrentCell, rows: Range<Int>, _ p: ForwardPointers<Float>) {
        let h = cell.units, gw = cell.gateWidth
        let act = cell.activation, ract = cell.recurrentActivation
        // Keras's activations run as one C call a row (``CellKernels``), its width read once here.
        let keras = act == .tanh && ract == .sigmoid, width = CellKernels.width
        for b in rows {
            if let mask = p.mask, mask[b] == 0 { forward(cell, rows: b..<(b + 1), p); continue }
            let x = p.projectedInput(row: b, width: gw), r = p.projectedState + b * gw, bias = p.bias
            let saved = p.gates + b * cell.savedWidth
            let cp = p.previousCellState! + b * h, cn = p.cellState! + b * h, hn = p.state + b * h
            if keras {
                CellKernels.lstmForwardRow(x, r, bias, gates: saved, units: h, previousCellState: cp, cellState: cn, state: hn,
                                           width: width)
            } else {
                // i and f share the recurrent activation and sit side by side: one pass over 2H.
                activateSum(ract, x, r, bias, into: saved, count: 2 * h, width: width)
                activateSum(act, x + 2 * h, r + 2 * h, bias + 2 * h, into: saved + 2 * h, count: h, width: width)
                activateSum(ract, x + 3 * h, r + 3 * h, bias + 3 * h, into: saved + 3 * h, count: h, width: width)
                lstmState(act, gates: saved, units: h, previousCellState: cp, cellState: cn, state: hn)
            }
            finishRow(b, output: UnsafePointer(hn), units: h, p)
        }
    }

    static func gruForwardFast(_ cell: RecurrentCell, rows: Range<Int>, _ p: ForwardPointers<Float>) {
        let h = cell.units, gw = cell.gateWidth
        let act = cell.activation, ract = cell.recurrentActivation
        let bx = p.bias, bh = p.bias + 3 * h
        // Keras's activations run as one C call a row (``CellKernels``), its width read once here.
        let keras = act == .tanh && ract == .sigmoid, width = CellKernels.width
        for b in rows {
            if let mask = p.mask, mask[b] == 0 { forward(cell, rows: b..<(b + 1), p); continue }
            let x = p.projectedInput(row: b, width: gw), r = p.projectedState + b * gw
            let saved = p.gates + b * cell.savedWidth
            let hp = p.previousState + b * h, hn = p.state + b * h
            let rd = p.recurrentDropoutMask.map { $0 + b * h }
            if keras {
                CellKernels.gruForwardRow(x, bx, r, bh, gates: saved, units: h, previousState: hp, recurrentDropoutMask: rd, state: hn,
                                          width: width)
            } else {
                gruGates(ract, x, bx, r, bh, into: saved, count: 2 * h)
                forEachLanes(h) { j, w in
                    let z = load(saved + j, w), rr = load(saved + h + j, w)
                    let ph = load(r + 2 * h + j, w) + load(bh + 2 * h + j, w)
                    let hh = activate(act, load(x + 2 * h + j, w) + load(bx + 2 * h + j, w) + rr * ph)
                    var hbar = load(hp + j, w)
                    if let rd { hbar *= load(rd + j, w) }
                    store(z * hbar + (1 - z) * hh, hn + j, w)
                    store(hh, saved + 2 * h + j, w); store(ph, saved + 3 * h + j, w)
                }
            }
            finishRow(b, output: UnsafePointer(hn), units: h, p)
        }
    }

    /// LSTM's `c = f·c₋₁ + i·g` and `h = o·act(c)` from the activated gates `[i, f, g, o]`, and
    /// `act(c)` saved after them for the backward, which would otherwise compute it again (a
    /// tanh per unit and step: see ``CellKind/savedWidth(units:)``).
    @inline(never)
    static func lstmState(_ act: Activation, gates: UnsafeMutablePointer<Float>, units h: Int, previousCellState cp: UnsafePointer<Float>,
                          cellState cn: UnsafeMutablePointer<Float>, state hn: UnsafeMutablePointer<Float>) {
        // Written out, not through `forEachLanes` (nor is `gruGates` below): the closure form
        // measured slower in these out-of-line passes (this one: LSTM forward 71 → 77 cycles per
        // eight units; that one: GRU forward 45 → 111).
        @inline(__always) func lanes(_ j: Int, _ w: Int) {
            let i = load(gates + j, w), f = load(gates + h + j, w), g = load(gates + 2 * h + j, w)
            let c = f * load(cp + j, w) + i * g
            store(c, cn + j, w)
            let tc = activate(act, c)
            store(tc, gates + 4 * h + j, w)
            store(load(gates + 3 * h + j, w) * tc, hn + j, w)
        }
        var j = 0
        while j + 8 <= h { lanes(j, 8); j += 8 }
        if j < h { lanes(j, h - j) }
    }

    /// `out = f(x + r + bias)` over `count` contiguous values, the activation chosen once; the
    /// sigmoid and tanh in ``CellKernels`` at `width`. The passes are out of line: small loops
    /// on their own compile to tighter code than inlined into the row loop (measured).
    static func activateSum(_ activation: Activation, _ x: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
                            _ bias: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int,
                            width: CellKernels.Width) {
        switch activation {
        case .tanh, .sigmoid: CellKernels.activationSum(activation, x, r, bias, into: out, count: count, width: width)
        default:
            forEachLanes(count) { j, w in
                store(VectorMath.apply(activation, load(x + j, w) + load(r + j, w) + load(bias + j, w)), out + j, w)
            }
        }
    }

    /// GRU's update and reset gates: `σ(((x + bx) + r) + bh)` over both at once.
    @inline(never)
    static func gruGates(_ activation: Activation, _ x: UnsafePointer<Float>, _ bx: UnsafePointer<Float>, _ r: UnsafePointer<Float>,
                         _ bh: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
        if activation == .sigmoid {
            var j = 0
            while j + 8 <= count {
                let sum = VectorMath.load(x + j) + VectorMath.load(bx + j) + VectorMath.load(r + j) + VectorMath.load(bh + j)
                VectorMath.store(VectorMath.sigmoid(sum), out + j)
                j += 8
            }
            if j < count {
                let w = count - j
                store(VectorMath.sigmoid(load(x + j, w) + load(bx + j, w) + load(r + j, w) + load(bh + j, w)), out + j, w)
            }
            return
        }
        forEachLanes(count) { j, w in
            store(VectorMath.apply(activation, load(x + j, w) + load(bx + j, w) + load(r + j, w) + load(bh + j, w)), out + j, w)
        }
    }

    /// The row's state `hn` written where else it goes: the state itself (SimpleRNN computes it
    /// into the saved gates), the sequence output, the recurrent-dropped copy.
    @inline(__always)
    static func finishRow(_ b: Int, output: UnsafePointer<Float>, units h: Int, _ p: ForwardPointers<Float>) {
        let hn = p.state + b * h
        if output != UnsafePointer(hn) { copyRow(output, to: hn, count: h) }
        if let sequenceOutput = p.sequenceOutput {
            // In the batch's order when the loop runs its rows in another (`PaddedPrefixSchedule`).
            let row = p.tokenRows?.rowOrder.map { Int($0[b]) } ?? b
            copyRow(output, to: sequenceOutput + row * h, count: h)
        }
        if let rd = p.recurrentDropoutMask, let dropped = p.droppedState {
            forEachLanes(h) { j, w in store(load(output + j, w) * load(rd + b * h + j, w), dropped + b * h + j, w) }
        }
    }

    /// A row of a few dozen units copied in vector registers: `update(from:count:)` is a `memmove`
    /// call per row, 4% of simplernn-imdb's samples (two per row and step).
    @inline(__always)
    static func copyRow(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
        forEachLanes(count) { j, w in store(load(source + j, w), destination + j, w) }
    }
}
