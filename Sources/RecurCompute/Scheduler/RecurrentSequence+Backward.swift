extension RecurrentSequence {
    /// The backward ops, after ``forward()`` ran with the same tensors.
    ///
    /// - Parameters:
    ///   - outputGradient: `[T, B, H]`, the gradient of ``sequenceOutput`` (`return_sequences`).
    ///   - finalStateGradient: `[B, H]`, the gradient of ``finalState`` (the layer's output when
    ///     it returns only the last state). Either or both may be given.
    ///   - includingInputGradient: false leaves out the input's gradient, for the caller to run
    ///     later as ``inputGradientProduct(accumulating:)``.
    public func backward(outputGradient: FloatRef?, finalStateGradient: FloatRef?, includingInputGradient: Bool = true) -> [Op] {
        precondition(shape.storesForBackward, "the sequence was planned forward-only (storesForBackward: false)")
        let (b, t, h, g, d) = (shape.batch, shape.time, shape.cell.units, shape.cell.gateWidth, shape.inputWidth)
        let cell = shape.cell
        let carried = work.carried!, recurrentGradient = work.recurrentGradient!, gateGradients = work.gateGradients!
        var ops: [Op] = []
        if let finalStateGradient {
            ops.append(.copy2D(Copy2D(finalStateGradient, to: carried)))
        } else {
            ops.append(.fill(Fill(carried, value: 0)))
        }
        if let dc = work.cellGradient { ops.append(.fill(Fill(dc, value: 0))) }
        let order = Array(processingOrder.reversed())
        var steps: [Op] = []
        for (index, time) in order.enumerated() {
            let gateGradient = gateGradients.row(time, width: b * g)
            let recurrentGateGradient = work.recurrentGateGradients?.row(time, width: b * g)
            steps.append(.cellBackward(CellBackward(
                cell: cell, batch: b, gates: savedGates(time),
                previousState: stateRow(previousRow(time)),
                previousCellState: cellStateRow(previousRow(time)),
                mask: bindings.mask?.row(time, width: b), outputGradient: outputGradient?.row(time, width: b * h),
                maskedOutput: shape.maskedOutput,
                recurrentGradient: index == 0 ? nil : recurrentGradient,
                recurrentDropoutMask: bindings.recurrentDropoutMask, carriedGradient: carried,
                cellGradient: work.cellGradient, gateGradient: gateGradient, recurrentGateGradient: recurrentGateGradient)))
            if shape.resetBefore {
                // d(r ⊙ h̄) = dh̃_pre · U_hᵀ, then the r gate's part.
                steps.append(.gemm(GEMM(transposeB: true, m: b, n: h, k: h, a: gateGradient.slice(2 * h, b * g - 2 * h),
                                        b: bindings.recurrentKernel.slice(2 * h, h * g - 2 * h), c: work.resetGradient!, lda: g, ldb: g)))
                steps.append(.gruResetGateBackward(GRUResetGateBackward(
                    cell: cell, batch: b, gates: savedGates(time),
                    previousState: stateRow(previousRow(time)), resetStateGradient: work.resetGradient!,
                    recurrentDropoutMask: bindings.recurrentDropoutMask, carriedGradient: carried, gateGradient: gateGradient)))
            }
            guard index < order.count - 1 else { continue }
            if shape.resetBefore {
                steps.append(.gemm(GEMM(transposeB: true, m: b, n: h, k: 2 * h, a: gateGradient, b: bindings.recurrentKernel,
                                        c: recurrentGradient, lda: g, ldb: g)))
            } else {
                steps.append(.gemm(GEMM(transposeB: true, m: b, n: h, k: g, a: recurrentGateGradient ?? gateGradient,
                                        b: bindings.recurrentKernel, c: recurrentGradient)))
            }
        }
        ops.append(.recurrentLoop(RecurrentLoop(batch: b, steps: steps,
                                                paddedPrefix: shape.paddedPrefixSharing == .training ? .trainingBackward : nil)))
        // Weight gradients: one GEMM each over all T·B rows (the input kernel's over the distinct
        // tokens' rows of S when the input is projected tokens: after these ops,
        // ``tokenProjectionBackward``).
        let rows = t * b
        // The input bias's gradient is Σ dZ over every row: the column sums of a weight-gradient
        // product that reads all of dZ (``GEMM/columnSums``), else a row sum. Over every
        // occurrence with projected tokens, not S: an id outside the vocabulary reads zeros and
        // has no row of S, but its gates still have a bias. There no input-kernel product reads
        // dZ, and the recurrent-kernel product sums it unless it reads only part of it
        // (reset-before GRU) or another dZ (reset-after).
        let inputBias = bindings.biasGradient.slice(0, g)
        // Rows of dZ the loop may leave zero (``PaddedPrefixSharing/training``), for its readers to skip.
        let zeroRowsOfLoop = shape.paddedPrefixSharing == .training ? savedGates(0) : nil
        let recurrentProductSumsInputBias: Bool
        if case .tokens = bindings.input {
            recurrentProductSumsInputBias = !shape.resetBefore && work.recurrentGateGradients == nil
        } else {
            recurrentProductSumsInputBias = false
        }
        // The sums of dZ by token run after the recurrent-kernel product: that product streams
        // dZ in order (asking for each chunk ahead), and the sums' reads by token then find much
        // of it in cache instead of memory. Interleaved, training steps' backward passes:
        // stacked-bilstm 34.20 → 33.46 and 33.52 → 33.12 ms, bilstm 8.53 → 8.26 (medians of 40);
        // lstm-imdb unchanged.
        var tokenOps: [Op] = []
        switch bindings.input {
        case .tokens(let tokens):
            guard let occurrences = tokens.occurrences, let summed = work.tokenGateGradients else {
                preconditionFailure("projected tokens need their occurrence index (TokenProjection.occurrences) for backward")
            }
            tokenOps.append(.embeddingGradient(EmbeddingGradient(
                occurrences: rows, vocabulary: tokens.capacity, width: g, outputGradient: gateGradients,
                index: (occurrences.sortedRows, occurrences.segmentStarts, occurrences.segmentSlots), tableGradient: summed,
                zeroRowsOfLoop: zeroRowsOfLoop)))
            if !recurrentProductSumsInputBias { tokenOps.append(.sumRows(SumRows(rows: rows, columns: g, input: gateGradients, output: inputBias))) }
        case .sequence, .halves:
            let x = inputOperand!
            ops.append(.gemm(GEMM(transposeA: true, m: d, n: g, k: rows, a: x.values, b: gateGradients, c: bindings.kernelGradient,
                                  lda: x.ld, columnSums: inputBias, aSecond: x.second, sharedRowsOfLoop: x.sharedByLoop)))
            if includingInputGradient, let product = inputGradientProduct(accumulating: false) { ops.append(product) }
        }
        let operands = recurrentOperands()
        if shape.resetBefore {
            ops.append(.gemm(GEMM(transposeA: true, m: h, n: 2 * h, k: rows, a: operands, b: gateGradients,
                                  c: bindings.recurrentKernelGradient, ldb: g, ldc: g)))
            ops.append(.gemm(GEMM(transposeA: true, m: h, n: h, k: rows, a: work.resetStates!,
                                  b: gateGradients.slice(2 * h, rows * g - 2 * h),
                                  c: bindings.recurrentKernelGradient.slice(2 * h, h * g - 2 * h), ldb: g, ldc: g)))
        } else {
            // Its column sums: the recurrent bias's gradient (GRU reset_after), or the input bias's.
            let sums = work.recurrentGateGradients != nil ? bindings.biasGradient.slice(g, g)
                : recurrentProductSumsInputBias ? inputBias : nil
            ops.append(.gemm(GEMM(transposeA: true, m: h, n: g, k: rows, a: operands, b: work.recurrentGateGradients ?? gateGradients,
                                  c: bindings.recurrentKernelGradient, columnSums: sums,
                                  zeroRowsOfLoop: zeroRowsOfLoop)))
        }
        return ops + tokenOps
    }

    /// The input sequence's gradient `dX = dZ · Wᵀ` over all T·B rows into the bound
    /// ``Bindings/inputGradient``, or added to what is there (`accumulating`): how a
    /// bidirectional layer's second direction adds its part to the first's without a buffer and
    /// a pass of its own. Nil when the input is projected tokens or has no gradient bound. Into
    /// both halves when the input is read in halves.
    public func inputGradientProduct(accumulating: Bool) -> Op? {
        inputGradientProduct(accumulating: accumulating, and: nil)
    }

    /// The input gradient of this sequence and `other` — the two directions of a Bidirectional
    /// layer, reading the same input — in one product over both directions' gates,
    /// `[dZ | dZ_other] · [W | W_other]ᵀ` (``GEMM/aSecond``, ``GEMM/bSecond``): C is written once
    /// instead of written, then read and written again by the second direction's product (16 MB
    /// of memory traffic a step at stacked-bilstm's second layer). Nil where ``inputGradientProduct(accumulating:)``
    /// is, or unless `other` reads the same input (``readsTheSameInput(as:)``) into the same gradient.
    public func inputGradientProduct(with other: RecurrentSequence) -> Op? {
        guard readsTheSameInput(as: other), let dx = inputGradientOperand, other.inputGradientOperand == dx else { return nil }
        return inputGradientProduct(accumulating: false, and: other)
    }

    private func inputGradientProduct(accumulating: Bool, and other: RecurrentSequence?) -> Op? {
        guard shape.inputGradient, let dx = inputGradientOperand, other?.shape.inputGradient ?? true else { return nil }
        let g = shape.cell.gateWidth
        let gatesOfOther = other.map { SecondColumns(column: g, tensor: $0.work.gateGradients!, ld: g) }
        let kernelOfOther = other.map { SecondColumns(column: g, tensor: $0.bindings.kernel, ld: g) }
        return .gemm(GEMM(transposeB: true, m: shape.time * shape.batch, n: shape.inputWidth, k: other == nil ? g : 2 * g,
                          a: work.gateGradients!, b: bindings.kernel, beta: accumulating ? 1 : 0, c: dx.values,
                          lda: g, ldb: g, ldc: dx.ld, aSecond: gatesOfOther, cSecond: dx.second, bSecond: kernelOfOther))
    }
}
