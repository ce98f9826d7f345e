extension RecurrentSequence {
    /// The forward ops: the whole-sequence input projection, then per step the recurrent
    /// product and the fused cell. With projected tokens, ``tokenProjectionForward`` runs first.
    public func forward() -> [Op] {
        let (b, t, h, g, d) = (shape.batch, shape.time, shape.cell.units, shape.cell.gateWidth, shape.inputWidth)
        let cell = shape.cell
        var ops: [Op]
        var inputGather: EmbeddingGather?
        switch bindings.input {
        case .sequence, .halves:
            let x = inputOperand!
            ops = [.gemm(GEMM(m: t * b, n: g, k: d, a: x.values, b: bindings.kernel, c: work.projectedInputs, lda: x.ld,
                              aSecond: x.second, sharedRowsOfLoop: x.sharedByLoop))]
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
