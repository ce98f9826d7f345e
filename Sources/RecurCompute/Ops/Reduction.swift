/// `result = (accumulate ? result : 0) + Σ x²`, summed in a fixed order: the squared norm of one
/// gradient tensor, chained over every tensor for the global norm.
public struct SumOfSquares: OpDescription, Hashable {
    public static let kind = OpKind.sumOfSquares
    public var tensor: FloatRef
    public var result: FloatRef
    public var accumulate: Bool
    public init(_ tensor: FloatRef, result: FloatRef, accumulate: Bool) {
        self.tensor = tensor; self.result = result; self.accumulate = accumulate
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(tensor.count, "tensor.count")
        try check.count(result, is: 1, "result")
        try check.require(!tensor.overlaps(result), "result", "must not overlap tensor")
    }
}

/// `scale = min(1, clipNorm / sqrt(sumOfSquares))` on the device (1 when the norm is 0), the
/// factor ``OptimizerUpdate`` applies: clip-by-norm with no host round trip.
public struct ClipScale: OpDescription, Hashable {
    public static let kind = OpKind.clipScale
    public var sumOfSquares: FloatRef
    public var clipNorm: Float
    public var scale: FloatRef
    public init(sumOfSquares: FloatRef, clipNorm: Float, scale: FloatRef) {
        self.sumOfSquares = sumOfSquares; self.clipNorm = clipNorm; self.scale = scale
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.count(sumOfSquares, is: 1, "sumOfSquares"); try check.count(scale, is: 1, "scale")
        try check.require(clipNorm > 0, "clipNorm", "must be positive, got \(clipNorm)")
    }
}

/// `x = clamp(x, −limit, limit)` in place.
public struct ClipByValue: OpDescription, Hashable {
    public static let kind = OpKind.clipByValue
    public var tensor: FloatRef
    public var limit: Float
    public init(_ tensor: FloatRef, limit: Float) { self.tensor = tensor; self.limit = limit }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(tensor.count, "tensor.count")
        try check.require(limit > 0, "limit", "must be positive, got \(limit)")
    }
}
