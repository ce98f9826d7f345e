/// A Dense layer's ops on `rows` rows (B, or T·B when applied per timestep):
/// `y = act(x·W + b)`, and backward `dz = dy ⊙ act'(y)`, `dW = xᵀ·dz`, `db = Σ dz`, `dx = dz·Wᵀ`.
/// A softmax or sigmoid output feeding a cross-entropy loss is left linear here: the loss takes
/// the logits (as Keras 3 does) and hands back `dz` directly.
public struct DenseProjection: Sendable {
    public let rows: Int
    public let inputWidth: Int
    public let units: Int
    /// Applied in this op; `.linear` when the loss consumes logits.
    public let activation: Activation

    public init(rows: Int, inputWidth: Int, units: Int, activation: Activation) {
        self.rows = rows; self.inputWidth = inputWidth; self.units = units; self.activation = activation
    }

    public func forward(input: FloatRef, kernel: FloatRef, bias: FloatRef?, output: FloatRef) -> [Op] {
        var ops: [Op] = [.gemm(GEMM(m: rows, n: units, k: inputWidth, a: input, b: kernel, c: output))]
        if let bias { ops.append(.addBias(AddBias(rows: rows, columns: units, tensor: output, bias: bias))) }
        if activation != .linear { ops.append(.activationForward(ActivationForward(activation, input: output, output: output))) }
        return ops
    }

    /// - Parameters:
    ///   - outputGradient: `dy`; overwritten with `dz` when the activation is not linear.
    ///   - inputGradient: nil when nothing upstream needs it (a frozen embedding, say).
    ///   - kernelGradient: nil for a frozen layer (its input gradient is still formed).
    public func backward(input: FloatRef, kernel: FloatRef, output: FloatRef, outputGradient: FloatRef,
                         kernelGradient: FloatRef?, biasGradient: FloatRef?, inputGradient: FloatRef?) -> [Op] {
        var ops: [Op] = []
        if activation != .linear {
            ops.append(.activationBackward(ActivationBackward(activation, output: output, outputGradient: outputGradient,
                                                              inputGradient: outputGradient)))
        }
        if let kernelGradient {
            ops.append(.gemm(GEMM(transposeA: true, m: inputWidth, n: units, k: rows, a: input, b: outputGradient, c: kernelGradient)))
        }
        if let biasGradient { ops.append(.sumRows(SumRows(rows: rows, columns: units, input: outputGradient, output: biasGradient))) }
        if let inputGradient {
            ops.append(.gemm(GEMM(transposeB: true, m: rows, n: inputWidth, k: units, a: outputGradient, b: kernel, c: inputGradient)))
        }
        return ops
    }

    public var flops: Double { 2 * Double(rows) * Double(inputWidth) * Double(units) }
}
