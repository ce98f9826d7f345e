import Glibc

/// Keras's weight initializers, drawing from Philox-4x32-10 keyed by (seed, stream), so a seeded
/// model starts from the same weights on every backend and every run. The distributions are
/// Keras's; the bits are ours (Keras's own generator cannot be reproduced outside TensorFlow).
public enum Initializer: Hashable, Sendable, Codable {
    case zeros
    case ones
    case constant(Float)
    /// Uniform in `[minimum, maximum)`; Keras's Embedding default is ±0.05.
    case randomUniform(minimum: Float, maximum: Float)
    /// Uniform in `±sqrt(6 / (fanIn + fanOut))`.
    case glorotUniform
    /// `gain ·` the Q factor of a normal matrix, transposed when the shape is wider than tall.
    case orthogonal(gain: Float)
    /// LSTM bias with `unit_forget_bias`: zeros except ones for the forget gate (block 1 of i, f, c, o).
    case unitForgetBias(units: Int)

    /// Keras's Embedding default.
    public static let embeddingUniform = Initializer.randomUniform(minimum: -0.05, maximum: 0.05)

    /// Values for a tensor of `shape` (row-major; 2-D shapes are `[fanIn, fanOut]` as Keras's
    /// kernels are), from Philox stream `stream` of `seed`.
    public func values(shape: [Int], seed: UInt64, stream: UInt32) -> [Float] {
        let count = shape.reduce(1, *)
        let philox = Philox(seed: seed)
        switch self {
        case .zeros: return [Float](repeating: 0, count: count)
        case .ones: return [Float](repeating: 1, count: count)
        case .constant(let value): return [Float](repeating: value, count: count)
        case let .randomUniform(minimum, maximum):
            return philox.uniforms(count: count, stream: stream).map { minimum + (maximum - minimum) * $0 }
        case .glorotUniform:
            let (fanIn, fanOut) = Self.fans(shape)
            let limit = (6 / Float(fanIn + fanOut)).squareRoot()
            return philox.uniforms(count: count, stream: stream).map { (2 * $0 - 1) * limit }
        case .orthogonal(let gain):
            let columns = shape.last ?? 1
            let rows = count / max(columns, 1)
            let (tall, narrow) = (max(rows, columns), min(rows, columns))
            let normal = Self.normals(count: tall * narrow, philox: philox, stream: stream)
            let q = OrthonormalBasis.qFactor(rowMajor: normal, rows: tall, columns: narrow)
            var result = [Float](repeating: 0, count: count)
            for r in 0..<rows {
                for c in 0..<columns {
                    // q is tall × narrow; a wide shape takes its transpose.
                    let value = rows >= columns ? q[r * narrow + c] : q[c * narrow + r]
                    result[r * columns + c] = gain * Float(value)
                }
            }
            return result
        case .unitForgetBias(let units):
            precondition(count == 4 * units, "unit_forget_bias needs a 4·units LSTM bias, got \(count) for \(units) units")
            return (0..<count).map { $0 >= units && $0 < 2 * units ? 1 : 0 }
        }
    }

    /// Keras's fan computation: for `[…receptive, in, out]`, fanIn = in · receptive, fanOut = out · receptive.
    static func fans(_ shape: [Int]) -> (Int, Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptive = shape.dropLast(2).reduce(1, *)
            return (shape[shape.count - 2] * receptive, shape[shape.count - 1] * receptive)
        }
    }

    /// Standard normals by Box–Muller from Philox uniforms (Float64 for the QR that follows).
    static func normals(count: Int, philox: Philox, stream: UInt32) -> [Double] {
        let uniforms = philox.uniforms(count: count + count % 2, stream: stream)
        var result = [Double](repeating: 0, count: count)
        var i = 0
        while i < count {
            // Shift into (0, 1] so the logarithm is finite.
            let u1 = Double(uniforms[i]) + 1.0 / 16_777_216.0, u2 = Double(uniforms[i + 1])
            let radius = (-2 * Glibc.log(u1)).squareRoot()
            result[i] = radius * Glibc.cos(2 * Double.pi * u2)
            if i + 1 < count { result[i + 1] = radius * Glibc.sin(2 * Double.pi * u2) }
            i += 2
        }
        return result
    }
}
