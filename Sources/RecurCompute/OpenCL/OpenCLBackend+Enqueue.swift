extension OpenCLBackend {
    public func enqueue(_ op: Op, lane: Int) throws {
        switch op {
        case .gemm(let o): try gemm(o, lane: lane)
        case .cellForward(let o): try cellForward(o, lane: lane)
        case .cellBackward(let o): try cellBackward(o, lane: lane)
        case .gruResetGateForward(let o): try gruResetGateForward(o, lane: lane)
        case .gruResetGateBackward(let o): try gruResetGateBackward(o, lane: lane)
        case .embeddingGather(let o): try embeddingGather(o, lane: lane)
        case .embeddingGradient(let o): try embeddingGradient(o, lane: lane)
        case .fill(let o): try fill(o, lane: lane)
        case .copy2D(let o): try copy2D(o, lane: lane)
        case .addBias(let o): try addBias(o, lane: lane)
        case .activationForward(let o): try activationForward(o, lane: lane)
        case .activationBackward(let o): try activationBackward(o, lane: lane)
        case .softmax(let o): try softmax(o, lane: lane)
        case .multiply(let o): try multiply(o, lane: lane)
        case .multiplyBroadcast(let o): try multiplyBroadcast(o, lane: lane)
        case .axpby(let o): try axpby(o, lane: lane)
        case .sumRows(let o): try sumRows(o, lane: lane)
        case .dropoutMask(let o): try dropoutMask(o, lane: lane)
        case .loss(let o): try loss(o, lane: lane)
        case .accuracyCount(let o): try accuracyCount(o, lane: lane)
        case .optimizerUpdate(let o): try optimizerUpdate(o, lane: lane)
        case .sumOfSquares(let o): try sumOfSquares(o, lane: lane)
        case .clipScale(let o): try clipScale(o, lane: lane)
        case .clipByValue(let o): try clipByValue(o, lane: lane)
        case .recurrentLoop(let o): try recurrentLoop(o, lane: lane)
        }
    }
}
