/// How a check's tensor starts out. Values come from Philox, so every run and every backend
/// sees the same inputs.
public enum TensorFill: Sendable {
    case uniform(Float, Float)
    /// 0 or 1 per element (a timestep mask), 0 with probability `zeroRate`.
    case binary(zeroRate: Float)
    /// 0 or `1 / (1 − rate)` (an inverted-dropout mask).
    case dropout(rate: Float)
    case constant(Float)
    case values([Float])
    /// Integers uniform in the range (token ids, labels).
    case integers(ClosedRange<Int32>)
    case integerValues([Int32])
    /// A sentinel (−7777) that exposes elements an op should write and did not.
    case poison
}

public struct TensorSpec: Sendable {
    public var name: String
    public var count: Int
    public var fill: TensorFill
    public var isInteger: Bool {
        switch fill {
        case .integers, .integerValues: return true
        default: return false
        }
    }

    public init(_ name: String, _ count: Int, _ fill: TensorFill) {
        self.name = name; self.count = count; self.fill = fill
    }
}

/// Accepted error: `|device − reference| ≤ absolute + relative · |reference|` per element.
public struct Tolerance: Sendable, Hashable {
    public var absolute: Float
    public var relative: Float
    public init(absolute: Float, relative: Float) { self.absolute = absolute; self.relative = relative }
    /// Single-step element-wise float math with transcendental functions.
    public static let elementwise = Tolerance(absolute: 1e-5, relative: 1e-4)
    /// Products and sums over many terms (GEMM, reductions) reassociate differently per device.
    public static let accumulation = Tolerance(absolute: 1e-4, relative: 1e-3)
    /// Integer-valued or copied results must match exactly.
    public static let exact = Tolerance(absolute: 0, relative: 0)
}

/// The tensors of one check, by name, on one backend.
public struct TensorTable {
    public var floats: [String: FloatRef] = [:]
    public var ints: [String: IntRef] = [:]
    public subscript(_ name: String) -> FloatRef {
        guard let ref = floats[name] else { preconditionFailure("kernel check has no float tensor '\(name)'") }
        return ref
    }
    public func optional(_ name: String) -> FloatRef? { floats[name] }
    public func int(_ name: String) -> IntRef {
        guard let ref = ints[name] else { preconditionFailure("kernel check has no int tensor '\(name)'") }
        return ref
    }
}

/// One op (or short op sequence) at one shape, run on a device and on the CPU reference.
public struct KernelCheck: Sendable {
    /// The row label in `recur verify`, e.g. `lstm forward`.
    public var name: String
    public var kind: OpKind
    /// e.g. `B=1 H=1`.
    public var shape: String
    public var tensors: [TensorSpec]
    /// Tensors whose final contents are compared.
    public var compared: [String]
    public var tolerance: Tolerance
    public var makeOps: @Sendable (TensorTable) -> [Op]
    /// For recurrent-loop checks: the path an OpenCL device must take (a fused mode fails the
    /// check when the loop runs step by step instead). Nil: the backend's own setting.
    public var recurrentLoopMode: RecurrentLoopMode?

    public init(_ name: String, kind: OpKind, shape: String, tensors: [TensorSpec], compared: [String],
                tolerance: Tolerance = .elementwise, recurrentLoopMode: RecurrentLoopMode? = nil,
                ops makeOps: @escaping @Sendable (TensorTable) -> [Op]) {
        self.name = name; self.kind = kind; self.shape = shape; self.tensors = tensors
        self.compared = compared; self.tolerance = tolerance; self.recurrentLoopMode = recurrentLoopMode; self.makeOps = makeOps
    }
}
