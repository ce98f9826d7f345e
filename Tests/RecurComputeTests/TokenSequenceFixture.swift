@testable import RecurCompute

/// One recurrent direction reading projected tokens (`Bindings.Input.tokens`, the whole table's
/// projection) on a backend: the projected table, weights and bias random from `seed`, states
/// zero, and the gather's `[T, B, G]` output filled with NaN, so that a test sees whether the
/// gather wrote it.
struct TokenSequenceFixture {
    let sequence: RecurrentSequence
    /// The gather's output.
    let projectedInputs: FloatRef

    /// `tokens` are slots of the `vocabulary`-row projected table (`[B, T]`, batch-major).
    init(_ cell: RecurrentCell, batch b: Int, time t: Int, vocabulary v: Int, width e: Int, tokens: [Int32], reverse: Bool,
         mask: [Float]? = nil, training: Bool, on backend: Backend, seed: UInt64) throws {
        var shape = RecurrentSequence.Shape(cell: cell, batch: b, time: t, inputWidth: e, reverse: reverse, masked: mask != nil,
                                            storesForBackward: training, outputsSequence: true, projectedTokens: v)
        shape.inputGradient = false
        var layout = ArenaLayout()
        RecurrentSequence.reserve(shape, prefix: "rnn", in: &layout)
        let arena = try Arena(layout, on: backend)
        projectedInputs = arena["rnn.projectedInputs"]
        try backend.write([Float](repeating: .nan, count: projectedInputs.count), to: projectedInputs)
        // A device's memory starts as anything; the CPU backend's as zeros.
        for name in ["rnn.states", "rnn.cellStates"] {
            if let slot = arena.layout.names[name] { try backend.write([Float](repeating: 0, count: arena[slot].count), to: arena[slot]) }
        }
        var random = SplitMix64(seed: seed)
        let g = cell.gateWidth
        try backend.write(random.floats(v * g), to: arena["rnn.tokenProjection"])
        let bindings = RecurrentSequence.Bindings(
            input: .tokens(TokenProjection(table: try backend.zeros(v * e), vocabulary: v, width: e, rows: .vocabulary,
                                           tokenSlots: try backend.intTensor(tokens))),
            kernel: try backend.tensor(random.floats(e * g)), recurrentKernel: try backend.tensor(random.floats(cell.units * g)),
            bias: try backend.tensor(random.floats(cell.biasCount)), kernelGradient: try backend.zeros(e * g),
            recurrentKernelGradient: try backend.zeros(cell.units * g), biasGradient: try backend.zeros(cell.biasCount),
            mask: try mask.map { try backend.tensor($0) })
        sequence = RecurrentSequence(shape, prefix: "rnn", arena: arena, bindings: bindings)
    }
}
