import CVectorMath

/// Eight-lane `Float` math for the CPU backend's fast paths: activations and their derivatives
/// without a libm call per element.
///
/// `tanh` is the rational approximation TensorFlow's CPU kernels use (Eigen's
/// `generic_fast_tanh_float`), `exp` the Cephes polynomial with range reduction; both are within
/// a few float ulps of libm over the whole range (tested against the `Float`/`Double` references
/// in `VectorMathTests`). The sigmoid is `1 / (1 + e^−x)`, which keeps its relative accuracy for
/// very negative `x` (a `0.5 + 0.5·tanh(x/2)` form would not).
public enum VectorMath {
    public typealias Vector = SIMD8<Float>

    @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    public static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// The first `count` (< 8) lanes from `p`, the others zero.
    @inline(__always)
    public static func load(_ p: UnsafePointer<Float>, count: Int) -> Vector {
        var v = Vector()
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    @inline(__always)
    public static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { p[i] = v[i] }
    }

    /// The correctly rounded square root of each lane in one vector instruction. `SIMD8.squareRoot()`
    /// runs lane by lane through libm's `sqrtf` here, which made an Adam update over a
    /// 1.28M-weight embedding take 1.5 ms instead of 0.3.
    @inline(__always)
    public static func squareRoot(_ x: Vector) -> Vector { recur_sqrt8(x) }

    /// `min(max(x, lower), upper)` by compare and blend (the standard library's `clamped` is an
    /// out-of-line call per vector).
    @inline(__always)
    public static func clamp(_ x: Vector, _ lower: Float, _ upper: Float) -> Vector {
        x.replacing(with: upper, where: x .> upper).replacing(with: lower, where: x .< lower)
    }

    /// `a · b + c`, fused where the build targets FMA (`RECUR_FMA`, see Package.swift): half the
    /// latency of the polynomials' Horner chains, which is what the cell loops wait on.
    @inline(__always)
    public static func fma(_ a: Vector, _ b: Vector, _ c: Vector) -> Vector {
        #if RECUR_FMA
        c.addingProduct(a, b)
        #else
        a * b + c
        #endif
    }

    // Transparent, not `@inline(__always)`: with that, LSTM's tanh(c) in the cells' row loops,
    // forward and backward, was still a call, its vectors through memory (1.2% of bilstm's
    // samples in the function alone).
    @_transparent
    public static func tanh(_ x: Vector) -> Vector {
        // Beyond ±7.9053 tanh rounds to ±1 in float; below 4e-4 it is x to float precision.
        let clamped = clamp(x, -7.90531110763549805, 7.90531110763549805)
        let x2 = clamped * clamped
        var p = fma(x2, Vector(repeating: -2.76076847742355e-16), Vector(repeating: 2.00018790482477e-13))
        p = fma(x2, p, Vector(repeating: -8.60467152213735e-11))
        p = fma(x2, p, Vector(repeating: 5.12229709037114e-08))
        p = fma(x2, p, Vector(repeating: 1.48572235717979e-05))
        p = fma(x2, p, Vector(repeating: 6.37261928875436e-04))
        p = fma(x2, p, Vector(repeating: 4.89352455891786e-03))
        p = clamped * p
        var q = fma(x2, Vector(repeating: 1.19825839466702e-06), Vector(repeating: 1.18534705686654e-04))
        q = fma(x2, q, Vector(repeating: 2.26843463243900e-03))
        q = fma(x2, q, Vector(repeating: 4.89352518554385e-03))
        let tiny = (x .< Vector(repeating: 0.0004)) .& (x .> Vector(repeating: -0.0004))
        return (p / q).replacing(with: x, where: tiny)
    }

    @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        let x = clamp(x, -87.3365478515625, 88.3762626647949)
        // x = n·ln2 + r, |r| ≤ ln2/2, with ln2 split in two for an exact n·ln2. Adding 1.5·2^23
        // rounds x·log2(e) to the integer n and leaves n in the low mantissa bits: no float→int
        // conversion (the generic SIMD one is not vectorized).
        let magic = Vector(repeating: 12582912)
        let shifted = fma(x, Vector(repeating: 1.44269504088896341), magic)
        let n = shifted - magic
        var r = fma(n, Vector(repeating: -0.693359375), x)
        r = fma(n, Vector(repeating: 2.12194440e-4), r)
        let r2 = r * r
        var y = fma(Vector(repeating: 1.9875691500e-4), r, Vector(repeating: 1.3981999507e-3))
        y = fma(y, r, Vector(repeating: 8.3334519073e-3))
        y = fma(y, r, Vector(repeating: 4.1665795894e-2))
        y = fma(y, r, Vector(repeating: 1.6666665459e-1))
        y = fma(y, r, Vector(repeating: 5.0000001201e-1))
        y = fma(y, r2, r) + Vector(repeating: 1)
        // 2^n from its exponent bits; n ∈ [−126, 127] after the clamp.
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        return y * unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
    }

    @inline(__always)
    public static func sigmoid(_ x: Vector) -> Vector {
        Vector(repeating: 1) / (Vector(repeating: 1) + exp(-x))
    }

    @inline(__always)
    public static func apply(_ activation: Activation, _ x: Vector) -> Vector {
        switch activation {
        case .linear: return x
        case .tanh: return tanh(x)
        case .sigmoid: return sigmoid(x)
        case .relu: return x.replacing(with: 0, where: x .< 0)
        case .hardSigmoid:
            return clamp(x + 3, 0, 6) / 6
        }
    }

    /// `f'(x)` from `y = f(x)`, as ``Activation/derivative(output:)``.
    @inline(__always)
    public static func derivative(_ activation: Activation, output y: Vector) -> Vector {
        switch activation {
        case .linear: return Vector(repeating: 1)
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return Vector(repeating: 0).replacing(with: 1, where: y .> 0)
        case .hardSigmoid: return Vector(repeating: 0).replacing(with: 1 / 6, where: (y .> 0) .& (y .< 1))
        }
    }
}
