// Non-cell op families, written next (helper): each throws until its kernel lands.
extension OpenCLBackend {
    private func pending(_ kind: OpKind) throws -> Never { throw ComputeError.unsupported(op: kind.rawValue, backend: "OpenCL (not yet written)") }
    func embeddingGather(_ o: EmbeddingGather, lane: Int) throws { try pending(.embeddingGather) }
    func embeddingGradient(_ o: EmbeddingGradient, lane: Int) throws { try pending(.embeddingGradient) }
    func fill(_ o: Fill, lane: Int) throws { try pending(.fill) }
    func copy2D(_ o: Copy2D, lane: Int) throws { try pending(.copy2D) }
    func addBias(_ o: AddBias, lane: Int) throws { try pending(.addBias) }
    func activationForward(_ o: ActivationForward, lane: Int) throws { try pending(.activationForward) }
    func activationBackward(_ o: ActivationBackward, lane: Int) throws { try pending(.activationBackward) }
    func softmax(_ o: Softmax, lane: Int) throws { try pending(.softmax) }
    func multiply(_ o: Multiply, lane: Int) throws { try pending(.multiply) }
    func multiplyBroadcast(_ o: MultiplyBroadcast, lane: Int) throws { try pending(.multiplyBroadcast) }
    func axpby(_ o: Axpby, lane: Int) throws { try pending(.axpby) }
    func sumRows(_ o: SumRows, lane: Int) throws { try pending(.sumRows) }
    func dropoutMask(_ o: DropoutMask, lane: Int) throws { try pending(.dropoutMask) }
    func loss(_ o: Loss, lane: Int) throws { try pending(.loss) }
    func accuracyCount(_ o: AccuracyCount, lane: Int) throws { try pending(.accuracyCount) }
    func optimizerUpdate(_ o: OptimizerUpdate, lane: Int) throws { try pending(.optimizerUpdate) }
    func sumOfSquares(_ o: SumOfSquares, lane: Int) throws { try pending(.sumOfSquares) }
    func clipScale(_ o: ClipScale, lane: Int) throws { try pending(.clipScale) }
    func clipByValue(_ o: ClipByValue, lane: Int) throws { try pending(.clipByValue) }
}
