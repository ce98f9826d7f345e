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

    /// `body(j, w)` for `j` = 0, 8, 16, … below `count`, `w` lanes each (8, then the tail).
    @inline(__always)
    static func forEachLanes(_ count: Int, _ body: (Int, Int) -> Void) {
        var j = 0
        while j + 8 <= count { body(j, 8); j += 8 }
        if j < count { body(j, count - j) }
    }
}
