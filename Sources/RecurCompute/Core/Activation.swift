import Glibc

/// Element-wise activations, with the Keras names they are configured by.
///
/// The raw values are the codes the OpenCL kernels switch on (`common.cl`); keep them in step.
public enum Activation: Int32, Sendable, CaseIterable, Codable {
    case linear = 0
    case tanh = 1
    case sigmoid = 2
    case relu = 3
    /// Keras 3's `hard_sigmoid`: `relu6(x + 3) / 6`.
    case hardSigmoid = 4

    public init?(kerasName: String) {
        switch kerasName {
        case "linear", "None": self = .linear
        case "tanh": self = .tanh
        case "sigmoid": self = .sigmoid
        case "relu": self = .relu
        case "hard_sigmoid": self = .hardSigmoid
        default: return nil
        }
    }

    public var kerasName: String {
        switch self {
        case .linear: return "linear"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .relu: return "relu"
        case .hardSigmoid: return "hard_sigmoid"
        }
    }
}

extension Activation {
    /// `f(x)`, in any floating-point precision (the gradient checks run in Float64).
    @inlinable
    public func apply<T: BinaryFloatingPoint & ElementaryMath>(_ x: T) -> T {
        switch self {
        case .linear: return x
        case .tanh: return T.tanh(x)
        case .sigmoid:
            // Split by sign so exp never overflows.
            if x >= 0 { return 1 / (1 + T.exp(-x)) }
            let e = T.exp(x)
            return e / (1 + e)
        case .relu: return x > 0 ? x : 0
        case .hardSigmoid: return Swift.min(Swift.max(x + 3, 0), 6) / 6
        }
    }

    /// `f'(x)` written in terms of `y = f(x)`, so backward passes need only the saved
    /// activations. For the piecewise ones (relu, hard sigmoid) `y` tells which piece `x` was on.
    @inlinable
    public func derivative<T: BinaryFloatingPoint>(output y: T) -> T {
        switch self {
        case .linear: return 1
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return y > 0 ? 1 : 0
        case .hardSigmoid: return (y > 0 && y < 1) ? T(1) / T(6) : 0
        }
    }
}

/// The elementary functions the generic cell math needs, for `Float` and `Double`.
public protocol ElementaryMath {
    static func exp(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
}



extension Float: ElementaryMath {
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
}
extension Double: ElementaryMath {
    @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
}
