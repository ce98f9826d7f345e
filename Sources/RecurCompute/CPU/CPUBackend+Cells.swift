extension CPUBackend {
    func cellForward(_ o: CellForward) {
        let pointers = forwardPointers(o)
        parallelRows(o.batch, work: o.batch * o.cell.gateWidth) { CellMath.forwardFast(o.cell, rows: $0, pointers) }
    }

    func cellBackward(_ o: CellBackward) {
        let pointers = backwardPointers(o)
        parallelRows(o.batch, work: o.batch * o.cell.gateWidth) { CellMath.backwardFast(o.cell, rows: $0, pointers) }
    }

    func forwardPointers(_ o: CellForward) -> CellMath.ForwardPointers<Float> {
        CellMath.ForwardPointers<Float>(
            projectedInput: o.projectedInput.hostPointer, projectedState: o.projectedState.hostPointer,
            bias: o.bias.hostPointer, previousState: o.previousState.hostPointer, state: o.state.hostPointer,
            previousCellState: o.previousCellState.map { UnsafePointer($0.hostPointer) }, cellState: o.cellState?.hostPointer,
            gates: o.gates.hostPointer, mask: o.mask.map { UnsafePointer($0.hostPointer) },
            sequenceOutput: o.sequenceOutput?.hostPointer,
            recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) }, droppedState: o.droppedState?.hostPointer)
    }

    func backwardPointers(_ o: CellBackward) -> CellMath.BackwardPointers<Float> {
        CellMath.BackwardPointers<Float>(
            gates: o.gates.hostPointer, previousState: o.previousState.map { UnsafePointer($0.hostPointer) },
            previousCellState: o.previousCellState.map { UnsafePointer($0.hostPointer) },
            mask: o.mask.map { UnsafePointer($0.hostPointer) },
            outputGradient: o.outputGradient.map { UnsafePointer($0.hostPointer) },
            outputGradientOnMaskedRows: o.maskedOutput == .carried,
            recurrentGradient: o.recurrentGradient.map { UnsafePointer($0.hostPointer) },
            recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) },
            carriedGradient: o.carriedGradient.hostPointer, cellGradient: o.cellGradient?.hostPointer,
            gateGradient: o.gateGradient.hostPointer, recurrentGateGradient: o.recurrentGateGradient?.hostPointer)
    }

    func gruResetGateForward(_ o: GRUResetGateForward) {
        parallelRows(o.batch, work: o.batch * 3 * o.cell.units) { rows in
            CellMath.gruResetGateForward(o.cell, rows: rows, projectedInput: o.projectedInput.hostPointer,
                                         projectedState: o.projectedState.hostPointer, bias: o.bias.hostPointer,
                                         previousState: o.previousState.hostPointer, gates: o.gates.hostPointer,
                                         resetState: o.resetState.hostPointer,
                                         recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) })
        }
    }

    func gruResetGateBackward(_ o: GRUResetGateBackward) {
        parallelRows(o.batch, work: o.batch * 3 * o.cell.units) { rows in
            CellMath.gruResetGateBackward(o.cell, rows: rows, gates: o.gates.hostPointer, previousState: o.previousState.hostPointer,
                                          resetStateGradient: o.resetStateGradient.hostPointer,
                                          recurrentDropoutMask: o.recurrentDropoutMask.map { UnsafePointer($0.hostPointer) },
                                          carriedGradient: o.carriedGradient.hostPointer, gateGradient: o.gateGradient.hostPointer)
        }
    }
}
