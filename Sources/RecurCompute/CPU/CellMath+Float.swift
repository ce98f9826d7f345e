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
