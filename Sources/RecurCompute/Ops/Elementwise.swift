/// `tensor[i] = value`.
public struct Fill: OpDescription, Hashable {
    public static let kind = OpKind.fill
    public var tensor: FloatRef
    public var value: Float
    public init(_ tensor: FloatRef, value: Float) { self.tensor = tensor; self.value = value }
    public func validate() throws { try ShapeCheck(Self.kind).positive(tensor.count, "tensor.count") }
}

/// Copies a `rows × columns` block between row-strided layouts: concatenating or splitting the
/// two directions of a bidirectional layer, carrying a state across TBPTT segments, plain copies.
public struct Copy2D: OpDescription, Hashable {
    public static let kind = OpKind.copy2D
    public var rows: Int
    public var columns: Int
    public var source: FloatRef
    public var sourceStride: Int
    public var destination: FloatRef
    public var destinationStride: Int

    public init(rows: Int, columns: Int, source: FloatRef, sourceStride: Int? = nil, destination: FloatRef, destinationStride: Int? = nil) {
        self.rows = rows; self.columns = columns
        self.source = source; self.sourceStride = sourceStride ?? columns
        self.destination = destination; self.destinationStride = destinationStride ?? columns
    }

    /// A contiguous copy of the whole of `source` into `destination`.
    public init(_ source: FloatRef, to destination: FloatRef) {
        self.init(rows: 1, columns: source.count, source: source, destination: destination)
    }

    /// Source and destination are each one contiguous run (one row, or rows without gaps), so
    /// the copy can be split anywhere instead of by rows.
    public var isOneRun: Bool { rows == 1 || (sourceStride == columns && destinationStride == columns) }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(rows, "rows"); try check.positive(columns, "columns")
        try check.require(sourceStride >= columns, "sourceStride", "must be ≥ columns (\(columns)), got \(sourceStride)")
        try check.require(destinationStride >= columns, "destinationStride", "must be ≥ columns (\(columns)), got \(destinationStride)")
        try check.atLeast(source, (rows - 1) * sourceStride + columns, "source")
        try check.atLeast(destination, (rows - 1) * destinationStride + columns, "destination")
        try check.require(!source.overlaps(destination), "destination", "must not overlap source")
    }
}

/// `x[r, c] += bias[c]` over `rows` rows, in place.
public struct AddBias: OpDescription, Hashable {
    public static let kind = OpKind.addBias
    public var rows: Int
    public var columns: Int
    public var tensor: FloatRef
    public var bias: FloatRef
    public init(rows: Int, columns: Int, tensor: FloatRef, bias: FloatRef) {
        self.rows = rows; self.columns = columns; self.tensor = tensor; self.bias = bias
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(rows, "rows"); try check.positive(columns, "columns")
        try check.count(tensor, is: rows * columns, "tensor")
        try check.count(bias, is: columns, "bias")
    }
}

/// `output = f(input)` element-wise (may be in place).
public struct ActivationForward: OpDescription, Hashable {
    public static let kind = OpKind.activationForward
    public var activation: Activation
    public var input: FloatRef
    public var output: FloatRef
    public init(_ activation: Activation, input: FloatRef, output: FloatRef) {
        self.activation = activation; self.input = input; self.output = output
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(input.count, "input.count")
        try check.count(output, is: input.count, "output")
        try check.sameStorageSafe(input, output, "input/output")
    }
}

/// `inputGradient = outputGradient · f'(y)` with `y` the forward output (may be in place).
public struct ActivationBackward: OpDescription, Hashable {
    public static let kind = OpKind.activationBackward
    public var activation: Activation
    public var output: FloatRef
    public var outputGradient: FloatRef
    public var inputGradient: FloatRef
    public init(_ activation: Activation, output: FloatRef, outputGradient: FloatRef, inputGradient: FloatRef) {
        self.activation = activation; self.output = output; self.outputGradient = outputGradient; self.inputGradient = inputGradient
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(output.count, "output.count")
        try check.count(outputGradient, is: output.count, "outputGradient")
        try check.count(inputGradient, is: output.count, "inputGradient")
        try check.sameStorageSafe(outputGradient, inputGradient, "outputGradient/inputGradient")
    }
}

/// Row-wise softmax over `columns`, stable (max subtracted), may be in place.
public struct Softmax: OpDescription, Hashable {
    public static let kind = OpKind.softmax
    public var rows: Int
    public var columns: Int
    public var input: FloatRef
    public var output: FloatRef
    public init(rows: Int, columns: Int, input: FloatRef, output: FloatRef) {
        self.rows = rows; self.columns = columns; self.input = input; self.output = output
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(rows, "rows"); try check.positive(columns, "columns")
        try check.count(input, is: rows * columns, "input")
        try check.count(output, is: rows * columns, "output")
        try check.sameStorageSafe(input, output, "input/output")
    }
}

/// `output[i] = a[i] · b[i]` (may be in place on either operand).
public struct Multiply: OpDescription, Hashable {
    public static let kind = OpKind.multiply
    public var a: FloatRef
    public var b: FloatRef
    public var output: FloatRef
    public init(_ a: FloatRef, _ b: FloatRef, output: FloatRef) { self.a = a; self.b = b; self.output = output }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(a.count, "a.count")
        try check.count(b, is: a.count, "b"); try check.count(output, is: a.count, "output")
        try check.sameStorageSafe(a, output, "a/output"); try check.sameStorageSafe(b, output, "b/output")
    }
}

/// `output[r, i] = input[r, i] · factor[i]` for each of `repeats` rows of `factor.count` elements:
/// a dropout mask held fixed across timesteps (RNN `dropout`, SpatialDropout1D's channel mask),
/// applied forward to activations and backward to their gradients.
public struct MultiplyBroadcast: OpDescription, Hashable {
    public static let kind = OpKind.multiplyBroadcast
    public var repeats: Int
    public var input: FloatRef
    public var factor: FloatRef
    public var output: FloatRef
    public init(repeats: Int, input: FloatRef, factor: FloatRef, output: FloatRef) {
        self.repeats = repeats; self.input = input; self.factor = factor; self.output = output
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(repeats, "repeats"); try check.positive(factor.count, "factor.count")
        try check.count(input, is: repeats * factor.count, "input")
        try check.count(output, is: repeats * factor.count, "output")
        try check.sameStorageSafe(input, output, "input/output")
    }
}

/// `y = alpha · x + beta · y`: gradient accumulation, the bidirectional `sum` / `ave` merges.
public struct Axpby: OpDescription, Hashable {
    public static let kind = OpKind.axpby
    public var alpha: Float
    public var x: FloatRef
    public var beta: Float
    public var y: FloatRef
    public init(alpha: Float, x: FloatRef, beta: Float, y: FloatRef) { self.alpha = alpha; self.x = x; self.beta = beta; self.y = y }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(x.count, "x.count")
        try check.count(y, is: x.count, "y")
        try check.require(!x.overlaps(y), "y", "must not overlap x")
    }
}

/// `output[c] = beta · output[c] + Σ_r input[r, c]`, summed in row order (deterministic): bias
/// gradients over `T·B` rows of gate gradients.
public struct SumRows: OpDescription, Hashable {
    public static let kind = OpKind.sumRows
    public var rows: Int
    public var columns: Int
    public var input: FloatRef
    public var beta: Float
    public var output: FloatRef
    public init(rows: Int, columns: Int, input: FloatRef, beta: Float = 0, output: FloatRef) {
        self.rows = rows; self.columns = columns; self.input = input; self.beta = beta; self.output = output
    }
    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(rows, "rows"); try check.positive(columns, "columns")
        try check.count(input, is: rows * columns, "input")
        try check.count(output, is: columns, "output")
        try check.require(!input.overlaps(output), "output", "must not overlap input")
    }
}
