/// The `Float` fast backward of each cell kind, a row at a time through an out-of-line loop over
/// its units. Keras's default activations (tanh, sigmoid) get their own copy of the loop with
/// the derivatives inlined; any other pair goes through the same loop with the activation
/// switch inside. Same operations in the same order as before (cycles per eight units: LSTM H32
/// 58 → 42, GRU H128 25 → 17, SimpleRNN H64 12.6 → 6.8). LSTM's default copy runs in C
/// (``CellKernels``), 16 lanes wide where the CPU has AVX-512; the Swift loop stays the
/// reference it is tested against and runs every other activation pair.
extension CellMath {
    public static func backwardFast(_ cell: RecurrentCell, rows: Range<Int>, _ p: BackwardPointers<Float>) {
        let h = cell.units, sw = cell.savedWidth, gw = cell.gateWidth
        let defaults = cell.activation == .tanh && cell.recurrentActivation == .sigmoid
        let width = CellKernels.width
        for b in rows {
            if let mask = p.mask, mask[b] == 0 { backward(cell, rows: b..<(b + 1), p); continue }
            let row = BackwardRow(units: h, saved: p.gates + b * sw, carried: p.carriedGradient + b * h, gateGradient: p.gateGradient + b * gw,
                                  recurrentDropoutMask: p.recurrentDropoutMask.map { $0 + b * h },
                                  recurrentGradient: p.recurrentGradient.map { $0 + b * h }, outputGradient: p.outputGradient.map { $0 + b * h })
            switch cell.kind {
            case .simpleRNN:
                if defaults { simpleRNNBackwardRow(.tanh, row) } else { simpleRNNBackwardRow(cell.activation, row) }
            case .lstm:
                let cp = p.previousCellState! + b * h, dc = p.cellGradient! + b * h
                if defaults {
                    CellKernels.lstmBackwardRow(row, previousCellState: cp, cellGradient: dc, width: width)
                } else {
                    lstmBackwardRow(cell.activation, cell.recurrentActivation, row, previousCellState: cp, cellGradient: dc)
                }
            case .gru(let resetAfter):
                let hp = p.previousState! + b * h
                let rz = resetAfter ? p.recurrentGateGradient! + b * gw : nil
                if defaults {
                    gruBackwardRow(.tanh, .sigmoid, row, previousState: hp, recurrentGateGradient: rz)
                } else {
                    gruBackwardRow(cell.activation, cell.recurrentActivation, row, previousState: hp, recurrentGateGradient: rz)
                }
            }
        }
    }

    /// One batch row's pointers common to every cell's backward.
    struct BackwardRow {
        let units: Int
        let saved: UnsafePointer<Float>
        let carried: UnsafeMutablePointer<Float>
        let gateGradient: UnsafeMutablePointer<Float>
        let recurrentDropoutMask: UnsafePointer<Float>?
        let recurrentGradient: UnsafePointer<Float>?
        let outputGradient: UnsafePointer<Float>?

        /// The state gradient of lanes `j..<j+w`: carried, plus the recurrent one (dropped as in
        /// the forward), plus the output's.
        @inline(__always)
        func stateGradient(_ j: Int, _ w: Int) -> Vector {
            var dh = load(carried + j, w)
            if let recurrentGradient {
                dh += load(recurrentGradient + j, w) * (recurrentDropoutMask.map { load($0 + j, w) } ?? Vector(repeating: 1))
            }
            if let outputGradient { dh += load(outputGradient + j, w) }
            return dh
        }

    }

    @inline(never)
    static func simpleRNNBackwardRow(_ act: Activation, _ row: BackwardRow) {
        forEachLanes(row.units) { j, w in
            store(row.stateGradient(j, w) * VectorMath.derivative(act, output: load(row.saved + j, w)), row.gateGradient + j, w)
            store(Vector(), row.carried + j, w)
        }
    }

    /// `act(c)` comes saved from the forward, after the gates (``CellKind/savedWidth(units:)``),
    /// instead of a tanh per unit here. stacked-bilstm's backward passes, interleaved with this
    /// loop computing it again (medians of 40): 32.01 → 31.02, 32.15 → 31.53, 31.99 → 31.72 ms;
    /// the forward's extra store within the noise; bilstm 8.13 → 7.97, lstm-imdb level.
    @inline(never)
    static func lstmBackwardRow(_ act: Activation, _ ract: Activation, _ row: BackwardRow, previousCellState cp: UnsafePointer<Float>,
                                cellGradient dc: UnsafeMutablePointer<Float>) {
        let h = row.units, saved = row.saved, dz = row.gateGradient
        forEachLanes(row.units) { j, w in
            let dh = row.stateGradient(j, w)
            let i = load(saved + j, w), f = load(saved + h + j, w), g = load(saved + 2 * h + j, w), o = load(saved + 3 * h + j, w)
            let tc = load(saved + 4 * h + j, w)
            let dct = load(dc + j, w) + dh * o * VectorMath.derivative(act, output: tc)
            store(dct * g * VectorMath.derivative(ract, output: i), dz + j, w)
            store(dct * load(cp + j, w) * VectorMath.derivative(ract, output: f), dz + h + j, w)
            store(dct * i * VectorMath.derivative(act, output: g), dz + 2 * h + j, w)
            store(dh * tc * VectorMath.derivative(ract, output: o), dz + 3 * h + j, w)
            store(dct * f, dc + j, w)
            store(Vector(), row.carried + j, w)
        }
    }

    /// Reset-after rows also write the recurrent part's gate gradient `rz`; reset-before rows
    /// leave the reset gate's to `gruResetGateBackward`.
    @inline(never)
    static func gruBackwardRow(_ act: Activation, _ ract: Activation, _ row: BackwardRow, previousState hp: UnsafePointer<Float>,
                               recurrentGateGradient rz: UnsafeMutablePointer<Float>?) {
        let h = row.units, saved = row.saved, dz = row.gateGradient, rd = row.recurrentDropoutMask
        forEachLanes(row.units) { j, w in
            let dh = row.stateGradient(j, w)
            let m = rd.map { load($0 + j, w) } ?? Vector(repeating: 1)
            let z = load(saved + j, w), rr = load(saved + h + j, w), hh = load(saved + 2 * h + j, w)
            let dhh = dh * (1 - z) * VectorMath.derivative(act, output: hh)
            let dzz = dh * (load(hp + j, w) * m - hh) * VectorMath.derivative(ract, output: z)
            store(dzz, dz + j, w)
            store(dhh, dz + 2 * h + j, w)
            if let rz {
                let dzr = dhh * load(saved + 3 * h + j, w) * VectorMath.derivative(ract, output: rr)
                store(dzr, dz + h + j, w)
                store(dzz, rz + j, w); store(dzr, rz + h + j, w); store(dhh * rr, rz + 2 * h + j, w)
            } else {
                store(Vector(), dz + h + j, w)
            }
            store(dh * z * m, row.carried + j, w)
        }
    }
}
