extension OpenCLBackend {
    func cellForward(_ o: CellForward, lane: Int) throws {
        let c = o.cell, global = [o.batch * c.units]
        let tail: [KernelArgument] = [.floats(o.mask), .floats(o.sequenceOutput), .floats(o.recurrentDropoutMask), .floats(o.droppedState)]
        switch c.kind {
        case .simpleRNN:
            try launch("simple_rnn", "simple_rnn_forward", global: global, [
                .int(o.batch), .int(c.units), .int(Int(c.activation.rawValue)),
                .floats(o.projectedInput), .floats(o.projectedState), .floats(o.bias), .floats(o.previousState),
                .floats(o.state), .floats(o.gates)] + tail, lane: lane)
        case .lstm:
            try launch("lstm", "lstm_forward", global: global, [
                .int(o.batch), .int(c.units), .int(Int(c.activation.rawValue)), .int(Int(c.recurrentActivation.rawValue)),
                .floats(o.projectedInput), .floats(o.projectedState), .floats(o.bias), .floats(o.previousState),
                .floats(o.state), .floats(o.previousCellState), .floats(o.cellState), .floats(o.gates)] + tail, lane: lane)
        case .gru(resetAfter: true):
            try launch("gru", "gru_forward_reset_after", global: global, [
                .int(o.batch), .int(c.units), .int(Int(c.activation.rawValue)), .int(Int(c.recurrentActivation.rawValue)),
                .floats(o.projectedInput), .floats(o.projectedState), .floats(o.bias), .floats(o.previousState),
                .floats(o.state), .floats(o.gates)] + tail, lane: lane)
        case .gru(resetAfter: false):
            try launch("gru", "gru_forward_reset_before", global: global, [
                .int(o.batch), .int(c.units), .int(Int(c.activation.rawValue)),
                .floats(o.projectedInput), .floats(o.projectedState), .floats(o.bias), .floats(o.previousState),
                .floats(o.state), .floats(o.gates)] + tail, lane: lane)
        }
    }

    func cellBackward(_ o: CellBackward, lane: Int) throws {
        let c = o.cell, global = [o.batch * c.units]
        switch c.kind {
        case .simpleRNN:
            try launch("simple_rnn", "simple_rnn_backward", global: global, [
                .int(o.batch), .int(c.units), .int(Int(c.activation.rawValue)), .int(Int(o.maskedOutput.rawValue)),
                .floats(o.gates), .floats(o.mask), .floats(o.outputGradient), .floats(o.recurrentGradient),
                .floats(o.recurrentDropoutMask), .floats(o.carriedGradient), .floats(o.gateGradient)], lane: lane)
        case .lstm:
            try launch("lstm", "lstm_backward", global: global, [
                .int(o.batch), .int(c.units), .int(Int(c.activation.rawValue)), .int(Int(c.recurrentActivation.rawValue)),
                .int(Int(o.maskedOutput.rawValue)),
                .floats(o.gates), .floats(o.previousCellState), .floats(o.mask),
                .floats(o.outputGradient), .floats(o.recurrentGradient), .floats(o.recurrentDropoutMask),
                .floats(o.carriedGradient), .floats(o.cellGradient), .floats(o.gateGradient)], lane: lane)
        case .gru(let resetAfter):
            try launch("gru", "gru_backward", global: global, [
                .int(o.batch), .int(c.units), .int(Int(c.activation.rawValue)), .int(Int(c.recurrentActivation.rawValue)),
                .int(resetAfter ? 1 : 0), .int(Int(o.maskedOutput.rawValue)),
                .floats(o.gates), .floats(o.previousState), .floats(o.mask), .floats(o.outputGradient),
                .floats(o.recurrentGradient), .floats(o.recurrentDropoutMask), .floats(o.carriedGradient),
                .floats(o.gateGradient), .floats(o.recurrentGateGradient)], lane: lane)
        }
    }

    func gruResetGateForward(_ o: GRUResetGateForward, lane: Int) throws {
        try launch("gru", "gru_reset_gate_forward", global: [o.batch * o.cell.units], [
            .int(o.batch), .int(o.cell.units), .int(Int(o.cell.recurrentActivation.rawValue)),
            .floats(o.projectedInput), .floats(o.projectedState), .floats(o.bias), .floats(o.previousState),
            .floats(o.gates), .floats(o.resetState), .floats(o.recurrentDropoutMask)], lane: lane)
    }

    func gruResetGateBackward(_ o: GRUResetGateBackward, lane: Int) throws {
        try launch("gru", "gru_reset_gate_backward", global: [o.batch * o.cell.units], [
            .int(o.batch), .int(o.cell.units), .int(Int(o.cell.recurrentActivation.rawValue)),
            .floats(o.gates), .floats(o.previousState), .floats(o.resetStateGradient), .floats(o.recurrentDropoutMask),
            .floats(o.carriedGradient), .floats(o.gateGradient)], lane: lane)
    }
}
