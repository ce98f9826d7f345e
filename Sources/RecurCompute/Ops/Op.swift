/// Every operation a backend runs, as data: plans are arrays of these, `recur verify` runs each
/// on every device, and `Backend.supports` answers per kind.
public enum Op: Hashable, Sendable {
    case gemm(GEMM)
    case cellForward(CellForward)
    case cellBackward(CellBackward)
    case gruResetGateForward(GRUResetGateForward)
    case gruResetGateBackward(GRUResetGateBackward)
    case embeddingGather(EmbeddingGather)
    case embeddingGradient(EmbeddingGradient)
    case fill(Fill)
    case copy2D(Copy2D)
    case addBias(AddBias)
    case activationForward(ActivationForward)
    case activationBackward(ActivationBackward)
    case softmax(Softmax)
    case multiply(Multiply)
    case multiplyBroadcast(MultiplyBroadcast)
    case axpby(Axpby)
    case sumRows(SumRows)
    case dropoutMask(DropoutMask)
    case loss(Loss)
    case accuracyCount(AccuracyCount)
    case optimizerUpdate(OptimizerUpdate)
    case sumOfSquares(SumOfSquares)
    case clipScale(ClipScale)
    case clipByValue(ClipByValue)
    case recurrentLoop(RecurrentLoop)

    public var description: any OpDescription {
        switch self {
        case .gemm(let o): return o
        case .cellForward(let o): return o
        case .cellBackward(let o): return o
        case .gruResetGateForward(let o): return o
        case .gruResetGateBackward(let o): return o
        case .embeddingGather(let o): return o
        case .embeddingGradient(let o): return o
        case .fill(let o): return o
        case .copy2D(let o): return o
        case .addBias(let o): return o
        case .activationForward(let o): return o
        case .activationBackward(let o): return o
        case .softmax(let o): return o
        case .multiply(let o): return o
        case .multiplyBroadcast(let o): return o
        case .axpby(let o): return o
        case .sumRows(let o): return o
        case .dropoutMask(let o): return o
        case .loss(let o): return o
        case .accuracyCount(let o): return o
        case .optimizerUpdate(let o): return o
        case .sumOfSquares(let o): return o
        case .clipScale(let o): return o
        case .clipByValue(let o): return o
        case .recurrentLoop(let o): return o
        }
    }

    public var kind: OpKind { type(of: description).kind }

    public func validate() throws { try description.validate() }
}
