extension RecurrentSequence {
    /// The forward ops: the whole-sequence input projection, then per step the recurrent
    /// product and the fused cell. With projected tokens, ``tokenProjectionForward`` runs first.
    /// `projectingInput` false leaves a sequence input's projection out, for the caller to run
    /// first (``inputProjection(with:)``).
    public func forward(projectingInput: Bool = true) -> [Op] {
        let (b, t, h, g) = (shape.batch, shape.time, shape.cell.units, shape.cell.gateWidth)
        let cell = shape.cell
        var ops: [Op]
        var inputGather: EmbeddingGather?
        switch bindings.input {
        case .sequence, .halves:
            ops = projectingInput ? inputProjection().map { [$0] } ?? [] : []
        case .tokens(let tokens):
            // The distinct tokens' projection is ``tokenProjectionForward``'s, sized per batch.
            ops = []
            inputGather = EmbeddingGather(batch: b, time: t, vocabulary: tokens.capacity, width: g, tokenIDs: tokens.tokenSlots,
                                          table: work.tokenProjection!, output: work.projectedInputs)
        }
        if let dropped = work.droppedStates, let rd = bindings.recurrentDropoutMask {
            ops.append(.multiply(Multiply(initialState, rd, output: dropped.row(initialRow, width: stateRows))))
        }
        var steps: [Op] = []
        for time in processingOrder {
            let previous = stateRow(previousRow(time))
            let operand = work.droppedStates.map { $0.row(previousRow(time), width: stateRows) } ?? previous
            let projectedInput = work.projectedInputs.row(time, width: b * g)
            let gates = savedGates(time)
            if shape.resetBefore {
                let resetState = work.resetStates!.row(shape.storesForBackward ? time : 0, width: b * h)
                steps.append(.gemm(GEMM(m: b, n: 2 * h, k: h, a: operand, b: bindings.recurrentKernel, c: work.stepProjection,
                                        ldb: g, ldc: g)))
                steps.append(.gruResetGateForward(GRUResetGateForward(
                    cell: cell, batch: b, projectedInput: projectedInput, projectedState: work.stepProjection, bias: bindings.bias,
                    previousState: previous, gates: gates, resetState: resetState, recurrentDropoutMask: bindings.recurrentDropoutMask)))
                steps.append(.gemm(GEMM(m: b, n: h, k: h, a: resetState,
                                        b: bindings.recurrentKernel.slice(2 * h, h * g - 2 * h),
                                        c: work.stepProjection.slice(2 * h, b * g - 2 * h), ldb: g, ldc: g)))
            } else {
                steps.append(.gemm(GEMM(m: b, n: g, k: h, a: operand, b: bindings.recurrentKernel, c: work.stepProjection)))
            }
            steps.append(.cellForward(CellForward(
                cell: cell, batch: b, projectedInput: projectedInput, projectedState: work.stepProjection, bias: bindings.bias,
                previousState: previous, state: stateRow(nextRow(time)),
                previousCellState: cellStateRow(previousRow(time)), cellState: cellStateRow(nextRow(time)),
                gates: gates, mask: bindings.mask?.row(time, width: b),
                sequenceOutput: work.sequenceOutput?.row(time, width: b * h),
                recurrentDropoutMask: bindings.recurrentDropoutMask,
                droppedState: work.droppedStates.map { $0.row(nextRow(time), width: stateRows) })))
        }
        ops.append(.recurrentLoop(RecurrentLoop(batch: b, steps: steps, inputGather: inputGather,
                                                paddedPrefix: shape.paddedPrefixSharing)))
        return ops
    }
}

extension RecurrentSequence {
    /// The input sequence's projection for this sequence and `other` — the two directions of a
    /// Bidirectional layer, reading the same input — in one product, `X · [W | W_other]`, each
    /// direction's projected inputs written where its loop reads them (``GEMM/bSecond``,
    /// ``GEMM/cSecond``): the input, 8 MB at stacked-bilstm's second layer, read once instead of
    /// once per direction. Nil for projected tokens, or when `other` reads another input or has
    /// another gate width; then each runs its own in ``forward(projectingInput:)``.
    public func inputProjection(with other: RecurrentSequence) -> Op? {
        readsTheSameInput(as: other) ? projection(alongside: other) : nil
    }

    /// The input sequence's projection for this sequence alone; nil for projected tokens.
    public func inputProjection() -> Op? { projection(alongside: nil) }

    private func projection(alongside other: RecurrentSequence?) -> Op? {
        guard let x = inputOperand else { return nil }
        let g = shape.cell.gateWidth
        return .gemm(GEMM(m: shape.time * shape.batch, n: other == nil ? g : 2 * g, k: shape.inputWidth, a: x.values, b: bindings.kernel,
                          c: work.projectedInputs, lda: x.ld, ldb: g, ldc: g, aSecond: x.second,
                          cSecond: other.map { SecondColumns(column: g, tensor: $0.work.projectedInputs, ld: g) },
                          bSecond: other.map { SecondColumns(column: g, tensor: $0.bindings.kernel, ld: g) },
                          sharedRowsOfLoop: x.sharedByLoop))
    }
}
