/// The `Float` fast path of ``CellMath``: the same formulas, eight units at a time, with the
/// activations from ``VectorMath``. Live rows of SimpleRNN, LSTM and reset-after GRU cells take
/// it; masked rows and the reset-before GRU go through the generic code, which stays the
/// reference (`CellMathFastPathTests` holds the two together on awkward shapes).
///
/// Sums and products keep the generic code's order, so the two differ only by the activations'
/// few-ulp approximation.
extension CellMath {
    public typealias Vector = SIMD8<Float>

    /// ``VectorMath/apply(_:_:)`` with the default activations inlined at the call site (the
    /// generic switch is too large to inline and passes its vectors through memory).
    @_transparent
    static func activate(_ activation: Activation, _ x: Vector) -> Vector {
        if activation == .tanh { return VectorMath.tanh(x) }
        if activation == .sigmoid { return VectorMath.sigmoid(x) }
        return VectorMath.apply(activation, x)
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ width: Int) -> Vector {
        width == 8 ? VectorMath.load(p) : VectorMath.load(p, count: width)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, _ width: Int) -> Vector { load(UnsafePointer(p), width) }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ width: Int) {
        if width == 8 { VectorMath.store(v, p) } else { VectorMath.store(v, p, count: width) }
    }

    public static func forwardFast(_ cell: RecurrentCell, rows: Range<Int>, _ p: ForwardPointers<Float>) {
        let h = cell.units, gw = cell.gateWidth, sw = cell.savedWidth
        let act = cell.activation, ract = cell.recurrentActivation
        if cell.kind == .gru(resetAfter: false) { forward(cell, rows: rows, p); return }
        for b in rows {
            if let mask = p.mask, mask[b] == 0 { forward(cell, rows: b..<(b + 1), p); continue }
            let x = p.projectedInput + b * gw, r = p.projectedState + b * gw
            let hp = p.previousState + b * h, hn = p.state + b * h
            let saved = p.gates + b * sw
            let rd = p.recurrentDropoutMask.map { $0 + b * h }
            let bias = p.bias
            var j = 0
            while j < h {
                let w = Swift.min(8, h - j)
                let out: Vector
                switch cell.kind {
                case .simpleRNN:
                    out = activate(act, load(x + j, w) + load(r + j, w) + load(bias + j, w))
                    store(out, saved + j, w)
                case .lstm:
                    let cp = p.previousCellState! + b * h, cn = p.cellState! + b * h
                    let i = activate(ract, load(x + j, w) + load(r + j, w) + load(bias + j, w))
                    let f = activate(ract, load(x + h + j, w) + load(r + h + j, w) + load(bias + h + j, w))
                    let g = activate(act, load(x + 2 * h + j, w) + load(r + 2 * h + j, w) + load(bias + 2 * h + j, w))
                    let o = activate(ract, load(x + 3 * h + j, w) + load(r + 3 * h + j, w) + load(bias + 3 * h + j, w))
                    let c = f * load(cp + j, w) + i * g
                    store(c, cn + j, w)
                    out = o * activate(act, c)
                    store(i, saved + j, w); store(f, saved + h + j, w); store(g, saved + 2 * h + j, w); store(o, saved + 3 * h + j, w)
                default: // reset-after GRU
                    let bx = bias, bh = bias + 3 * h
                    var hbar = load(hp + j, w)
                    if let rd { hbar *= load(rd + j, w) }
                    let z = activate(ract, load(x + j, w) + load(bx + j, w) + load(r + j, w) + load(bh + j, w))
                    let rr = activate(ract, load(x + h + j, w) + load(bx + h + j, w) + load(r + h + j, w) + load(bh + h + j, w))
                    let ph = load(r + 2 * h + j, w) + load(bh + 2 * h + j, w)
                    let hh = activate(act, load(x + 2 * h + j, w) + load(bx + 2 * h + j, w) + rr * ph)
                    out = z * hbar + (1 - z) * hh
                    store(z, saved + j, w); store(rr, saved + h + j, w); store(hh, saved + 2 * h + j, w); store(ph, saved + 3 * h + j, w)
                }
                store(out, hn + j, w)
                if let sequenceOutput = p.sequenceOutput { store(out, sequenceOutput + b * h + j, w) }
                if let rd { store(out * load(rd + j, w), p.droppedState! + b * h + j, w) }
                j += w
            }
        }
    }

    public static func backwardFast(_ cell: RecurrentCell, rows: Range<Int>, _ p: BackwardPointers<Float>) {
        let h = cell.units, gw = cell.gateWidth, sw = cell.savedWidth
        let act = cell.activation, ract = cell.recurrentActivation
        for b in rows {
            if let mask = p.mask, mask[b] == 0 { backward(cell, rows: b..<(b + 1), p); continue }
            let saved = p.gates + b * sw
            let carried = p.carriedGradient + b * h
            let dz = p.gateGradient + b * gw
            let rd = p.recurrentDropoutMask.map { $0 + b * h }
            let rg = p.recurrentGradient.map { $0 + b * h }
            let og = p.outputGradient.map { $0 + b * h }
            var j = 0
            while j < h {
                let w = Swift.min(8, h - j)
                var dh = load(carried + j, w)
                let m = rd.map { load($0 + j, w) } ?? Vector(repeating: 1)
                if let rg { dh += load(rg + j, w) * m }
                if let og { dh += load(og + j, w) }
                switch cell.kind {
                case .simpleRNN:
                    store(dh * VectorMath.derivative(act, output: load(saved + j, w)), dz + j, w)
                    store(Vector(), carried + j, w)
                case .lstm:
                    let cp = p.previousCellState! + b * h, cn = p.cellState! + b * h, dc = p.cellGradient! + b * h
                    let i = load(saved + j, w), f = load(saved + h + j, w), g = load(saved + 2 * h + j, w), o = load(saved + 3 * h + j, w)
                    let tc = activate(act, load(cn + j, w))
                    let dct = load(dc + j, w) + dh * o * VectorMath.derivative(act, output: tc)
                    store(dct * g * VectorMath.derivative(ract, output: i), dz + j, w)
                    store(dct * load(cp + j, w) * VectorMath.derivative(ract, output: f), dz + h + j, w)
                    store(dct * i * VectorMath.derivative(act, output: g), dz + 2 * h + j, w)
                    store(dh * tc * VectorMath.derivative(ract, output: o), dz + 3 * h + j, w)
                    store(dct * f, dc + j, w)
                    store(Vector(), carried + j, w)
                case .gru(let resetAfter):
                    let hp = p.previousState! + b * h
                    let z = load(saved + j, w), rr = load(saved + h + j, w), hh = load(saved + 2 * h + j, w)
                    let dhh = dh * (1 - z) * VectorMath.derivative(act, output: hh)
                    let dzz = dh * (load(hp + j, w) * m - hh) * VectorMath.derivative(ract, output: z)
                    store(dzz, dz + j, w)
                    store(dhh, dz + 2 * h + j, w)
                    if resetAfter {
                        let dzr = dhh * load(saved + 3 * h + j, w) * VectorMath.derivative(ract, output: rr)
                        store(dzr, dz + h + j, w)
                        let rz = p.recurrentGateGradient! + b * gw
                        store(dzz, rz + j, w); store(dzr, rz + h + j, w); store(dhh * rr, rz + 2 * h + j, w)
                    } else {
                        store(Vector(), dz + h + j, w)
                    }
                    store(dh * z * m, carried + j, w)
                }
                j += w
            }
        }
    }
}
