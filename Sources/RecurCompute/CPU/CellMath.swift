/// The recurrent cells' forward and backward math for a range of batch rows, generic over the
/// float type: the CPU backend runs it in `Float`, the gradient checks in `Double`. The formulas
/// are the ones documented on ``CellForward`` and ``CellBackward``; the OpenCL kernels
/// (`simple_rnn.cl`, `lstm.cl`, `gru.cl`) implement the same ones and are tested against this.
public enum CellMath {
    public struct ForwardPointers<T> {
        public var projectedInput: UnsafePointer<T>
        public var projectedState: UnsafePointer<T>
        public var bias: UnsafePointer<T>
        public var previousState: UnsafePointer<T>
        public var state: UnsafeMutablePointer<T>
        public var previousCellState: UnsafePointer<T>?
        public var cellState: UnsafeMutablePointer<T>?
        public var gates: UnsafeMutablePointer<T>
        public var mask: UnsafePointer<T>?
        public var sequenceOutput: UnsafeMutablePointer<T>?
        public var recurrentDropoutMask: UnsafePointer<T>?
        public var droppedState: UnsafeMutablePointer<T>?
        /// When set, row `b`'s projected input is a row of a projected vocabulary picked by its
        /// token, instead of `projectedInput + b·G` (a loop reading an embedding gather's rows
        /// where they are, without forming the gather's output).
        public var tokenRows: TokenRows<T>?

        public init(projectedInput: UnsafePointer<T>, projectedState: UnsafePointer<T>, bias: UnsafePointer<T>,
                    previousState: UnsafePointer<T>, state: UnsafeMutablePointer<T>,
                    previousCellState: UnsafePointer<T>? = nil, cellState: UnsafeMutablePointer<T>? = nil,
                    gates: UnsafeMutablePointer<T>, mask: UnsafePointer<T>? = nil, sequenceOutput: UnsafeMutablePointer<T>? = nil,
                    recurrentDropoutMask: UnsafePointer<T>? = nil, droppedState: UnsafeMutablePointer<T>? = nil) {
            self.projectedInput = projectedInput; self.projectedState = projectedState; self.bias = bias
            self.previousState = previousState; self.state = state
            self.previousCellState = previousCellState; self.cellState = cellState
            self.gates = gates; self.mask = mask; self.sequenceOutput = sequenceOutput
            self.recurrentDropoutMask = recurrentDropoutMask; self.droppedState = droppedState
        }
    }

    /// The rows of a `[V, G]` table picked by one timestep's token of each batch row:
    /// `tokenIDs[b · stride]`, a row of zeros for an id outside `0..<vocabulary` (as the
    /// embedding gather writes it).
    public struct TokenRows<T> {
        public var tokenIDs: UnsafePointer<Int32>
        public var stride: Int
        public var table: UnsafePointer<T>
        public var vocabulary: Int
        /// At least G zeros.
        public var zeros: UnsafePointer<T>
        /// When set, the loop's row `b` is batch row `rowOrder[b]` (``PaddedPrefixSchedule``).
        public var rowOrder: UnsafePointer<Int32>?

        public init(tokenIDs: UnsafePointer<Int32>, stride: Int, table: UnsafePointer<T>, vocabulary: Int, zeros: UnsafePointer<T>,
                    rowOrder: UnsafePointer<Int32>? = nil) {
            self.tokenIDs = tokenIDs; self.stride = stride; self.table = table; self.vocabulary = vocabulary; self.zeros = zeros
            self.rowOrder = rowOrder
        }
    }

    public struct BackwardPointers<T> {
        public var gates: UnsafePointer<T>
        public var previousState: UnsafePointer<T>?
        public var previousCellState: UnsafePointer<T>?
        public var mask: UnsafePointer<T>?
        public var outputGradient: UnsafePointer<T>?
        /// The output gradient counts on masked rows too (``MaskedOutput/carried``).
        public var outputGradientOnMaskedRows: Bool
        public var recurrentGradient: UnsafePointer<T>?
        public var recurrentDropoutMask: UnsafePointer<T>?
        public var carriedGradient: UnsafeMutablePointer<T>
        public var cellGradient: UnsafeMutablePointer<T>?
        public var gateGradient: UnsafeMutablePointer<T>
        public var recurrentGateGradient: UnsafeMutablePointer<T>?

        public init(gates: UnsafePointer<T>, previousState: UnsafePointer<T>? = nil, previousCellState: UnsafePointer<T>? = nil,
                    mask: UnsafePointer<T>? = nil, outputGradient: UnsafePointer<T>? = nil,
                    outputGradientOnMaskedRows: Bool = false, recurrentGradient: UnsafePointer<T>? = nil, recurrentDropoutMask: UnsafePointer<T>? = nil,
                    carriedGradient: UnsafeMutablePointer<T>, cellGradient: UnsafeMutablePointer<T>? = nil,
                    gateGradient: UnsafeMutablePointer<T>, recurrentGateGradient: UnsafeMutablePointer<T>? = nil) {
            self.gates = gates; self.previousState = previousState; self.previousCellState = previousCellState
            self.mask = mask; self.outputGradient = outputGradient
            self.outputGradientOnMaskedRows = outputGradientOnMaskedRows
            self.recurrentGradient = recurrentGradient; self.recurrentDropoutMask = recurrentDropoutMask
            self.carriedGradient = carriedGradient; self.cellGradient = cellGradient
            self.gateGradient = gateGradient; self.recurrentGateGradient = recurrentGateGradient
        }
    }

    // MARK: forward

    @inlinable
    public static func forward<T: BinaryFloatingPoint & ElementaryMath>(_ cell: RecurrentCell, rows: Range<Int>, _ p: ForwardPointers<T>) {
        let h = cell.units, gw = cell.gateWidth, sw = cell.savedWidth
        let act = cell.activation, ract = cell.recurrentActivation
        for b in rows {
            let x = p.projectedInput(row: b, width: gw), r = p.projectedState + b * gw
            let hp = p.previousState + b * h, hn = p.state + b * h
            let saved = p.gates + b * sw
            let rd = p.recurrentDropoutMask.map { $0 + b * h }
            if let mask = p.mask, mask[b] == 0 {
                for j in 0..<h {
                    hn[j] = hp[j]
                    p.sequenceOutput?[b * h + j] = 0
                    if let rd { p.droppedState![b * h + j] = hp[j] * rd[j] }
                }
                if cell.kind == .lstm {
                    for j in 0..<h { p.cellState![b * h + j] = p.previousCellState![b * h + j] }
                }
                if cell.kind != .gru(resetAfter: false) { for j in 0..<sw { saved[j] = 0 } }
                continue
            }
            switch cell.kind {
            case .simpleRNN:
                for j in 0..<h {
                    let a = act.apply(x[j] + r[j] + p.bias[j])
                    saved[j] = a
                    hn[j] = a
                }
            case .lstm:
                let cp = p.previousCellState! + b * h, cn = p.cellState! + b * h
                for j in 0..<h {
                    let i = ract.apply(x[j] + r[j] + p.bias[j])
                    let f = ract.apply(x[h + j] + r[h + j] + p.bias[h + j])
                    let g = act.apply(x[2 * h + j] + r[2 * h + j] + p.bias[2 * h + j])
                    let o = ract.apply(x[3 * h + j] + r[3 * h + j] + p.bias[3 * h + j])
                    let c = f * cp[j] + i * g
                    cn[j] = c
                    let tc = act.apply(c)
                    hn[j] = o * tc
                    saved[j] = i; saved[h + j] = f; saved[2 * h + j] = g; saved[3 * h + j] = o; saved[4 * h + j] = tc
                }
            case .gru(resetAfter: true):
                let bx = p.bias, bh = p.bias + 3 * h
                for j in 0..<h {
                    let hbar = hp[j] * (rd?[j] ?? 1)
                    let z = ract.apply(x[j] + bx[j] + r[j] + bh[j])
                    let rr = ract.apply(x[h + j] + bx[h + j] + r[h + j] + bh[h + j])
                    let ph = r[2 * h + j] + bh[2 * h + j]
                    let hh = act.apply(x[2 * h + j] + bx[2 * h + j] + rr * ph)
                    hn[j] = z * hbar + (1 - z) * hh
                    saved[j] = z; saved[h + j] = rr; saved[2 * h + j] = hh; saved[3 * h + j] = ph
                }
            case .gru(resetAfter: false):
                for j in 0..<h {
                    let hbar = hp[j] * (rd?[j] ?? 1)
                    let z = saved[j]
                    let hh = act.apply(x[2 * h + j] + r[2 * h + j] + p.bias[2 * h + j])
                    saved[2 * h + j] = hh
                    hn[j] = z * hbar + (1 - z) * hh
                }
            }
            for j in 0..<h {
                p.sequenceOutput?[b * h + j] = hn[j]
                if let rd { p.droppedState![b * h + j] = hn[j] * rd[j] }
            }
        }
    }

    /// Reset-before GRU, first half (see ``GRUResetGateForward``).
    @inlinable
    public static func gruResetGateForward<T: BinaryFloatingPoint & ElementaryMath>(
        _ cell: RecurrentCell, rows: Range<Int>, projectedInput: UnsafePointer<T>, projectedState: UnsafePointer<T>,
        bias: UnsafePointer<T>, previousState: UnsafePointer<T>, gates: UnsafeMutablePointer<T>,
        resetState: UnsafeMutablePointer<T>, recurrentDropoutMask: UnsafePointer<T>?
    ) {
        let h = cell.units, ract = cell.recurrentActivation
        for b in rows {
            let x = projectedInput + b * 3 * h, r = projectedState + b * 3 * h, saved = gates + b * 3 * h
            for j in 0..<h {
                let z = ract.apply(x[j] + r[j] + bias[j])
                let rr = ract.apply(x[h + j] + r[h + j] + bias[h + j])
                saved[j] = z; saved[h + j] = rr
                let hbar = previousState[b * h + j] * (recurrentDropoutMask?[b * h + j] ?? 1)
                resetState[b * h + j] = rr * hbar
            }
        }
    }

    // MARK: backward

    @inlinable
    public static func backward<T: BinaryFloatingPoint & ElementaryMath>(_ cell: RecurrentCell, rows: Range<Int>, _ p: BackwardPointers<T>) {
        let h = cell.units, gw = cell.gateWidth, sw = cell.savedWidth
        let act = cell.activation, ract = cell.recurrentActivation
        for b in rows {
            let saved = p.gates + b * sw
            let carried = p.carriedGradient + b * h
            let dz = p.gateGradient + b * gw
            let rd = p.recurrentDropoutMask.map { $0 + b * h }
            let live = p.mask.map { $0[b] != 0 } ?? true
            // dh = carried + recurrent ⊙ m + output (live rows, or all rows for a carried output); kept in `carried` meanwhile.
            for j in 0..<h {
                var dh = carried[j]
                if let rg = p.recurrentGradient { dh += rg[b * h + j] * (rd?[j] ?? 1) }
                if live || p.outputGradientOnMaskedRows, let og = p.outputGradient { dh += og[b * h + j] }
                carried[j] = dh
            }
            if !live {
                for j in 0..<gw { dz[j] = 0 }
                if let rz = p.recurrentGateGradient { for j in 0..<gw { rz[b * gw + j] = 0 } }
                continue
            }
            switch cell.kind {
            case .simpleRNN:
                for j in 0..<h {
                    dz[j] = carried[j] * act.derivative(output: saved[j])
                    carried[j] = 0
                }
            case .lstm:
                let cp = p.previousCellState! + b * h, dc = p.cellGradient! + b * h
                for j in 0..<h {
                    let dh = carried[j]
                    let i = saved[j], f = saved[h + j], g = saved[2 * h + j], o = saved[3 * h + j], tc = saved[4 * h + j]
                    let dct = dc[j] + dh * o * act.derivative(output: tc)
                    dz[j] = dct * g * ract.derivative(output: i)
                    dz[h + j] = dct * cp[j] * ract.derivative(output: f)
                    dz[2 * h + j] = dct * i * act.derivative(output: g)
                    dz[3 * h + j] = dh * tc * ract.derivative(output: o)
                    dc[j] = dct * f
                    carried[j] = 0
                }
            case .gru(let resetAfter):
                let hp = p.previousState! + b * h
                for j in 0..<h {
                    let dh = carried[j], m = rd?[j] ?? 1
                    let z = saved[j], rr = saved[h + j], hh = saved[2 * h + j]
                    let dhh = dh * (1 - z) * act.derivative(output: hh)
                    dz[j] = dh * (hp[j] * m - hh) * ract.derivative(output: z)
                    dz[2 * h + j] = dhh
                    if resetAfter {
                        let ph = saved[3 * h + j]
                        dz[h + j] = dhh * ph * ract.derivative(output: rr)
                        let rz = p.recurrentGateGradient! + b * gw
                        rz[j] = dz[j]; rz[h + j] = dz[h + j]; rz[2 * h + j] = dhh * rr
                    } else {
                        dz[h + j] = 0
                    }
                    carried[j] = dh * z * m
                }
            }
        }
    }

    /// Reset-before GRU, second half (see ``GRUResetGateBackward``).
    @inlinable
    public static func gruResetGateBackward<T: BinaryFloatingPoint & ElementaryMath>(
        _ cell: RecurrentCell, rows: Range<Int>, gates: UnsafePointer<T>, previousState: UnsafePointer<T>,
        resetStateGradient: UnsafePointer<T>, recurrentDropoutMask: UnsafePointer<T>?,
        carriedGradient: UnsafeMutablePointer<T>, gateGradient: UnsafeMutablePointer<T>
    ) {
        let h = cell.units, ract = cell.recurrentActivation
        for b in rows {
            for j in 0..<h {
                let m = recurrentDropoutMask?[b * h + j] ?? 1
                let rr = gates[b * 3 * h + h + j]
                let drh = resetStateGradient[b * h + j]
                gateGradient[b * 3 * h + h + j] = drh * previousState[b * h + j] * m * ract.derivative(output: rr)
                carriedGradient[b * h + j] += drh * rr * m
            }
        }
    }
}

extension CellMath.ForwardPointers {
    /// Batch row `b`'s `G` projected inputs.
    @inlinable @inline(__always)
    public func projectedInput(row b: Int, width: Int) -> UnsafePointer<T> {
        guard let rows = tokenRows else { return projectedInput + b * width }
        let row = rows.rowOrder.map { Int($0[b]) } ?? b
        let id = Int(rows.tokenIDs[row * rows.stride])
        return id >= 0 && id < rows.vocabulary ? rows.table + id * width : rows.zeros
    }
}
