import COpenCL
import Logging

/// How one fused loop is launched: which kernel, how many batch rows a work-group owns, and the
/// local memory it needs.
struct FusedLoopLaunch: Hashable {
    var kernel: String
    var rowsPerGroup: Int
    var localWeights: Bool
    var localBytes: Int
    /// A row kernel (`*_loop_forward_rows_*`): one work-item per batch row, 1-D.
    var perRow = false
}

extension OpenCLBackend {
    /// Runs a recurrent loop as one persistent-kernel launch (`recurrent_loop.cl`) when the loop
    /// is a plain direction and the device can hold a work-group of H work-items; otherwise, or
    /// when ``recurrentLoopMode`` says so, step by step (a CLBlast GEMM and a cell kernel each).
    /// An input gather runs first, as its own kernel.
    func recurrentLoop(_ loop: RecurrentLoop, lane: Int) throws {
        if let gather = loop.inputGather { try enqueue(.embeddingGather(gather), lane: lane) }
        if recurrentLoopMode != .stepByStep, programs.programs["recurrent_loop"] != nil,
           case .success(let fused) = fusedLoops.recognition(of: loop),
           let plan = fusedLaunch(fused) {
            try launchFused(fused, plan, lane: lane)
            if plan.perRow {
                recurrentLoopPaths.fusedRows += 1
            } else if plan.localWeights {
                recurrentLoopPaths.fusedLocalWeights += 1
            } else {
                recurrentLoopPaths.fusedGlobalWeights += 1
            }
            return
        }
        recurrentLoopPaths.stepByStep += 1
        for step in loop.steps { try enqueue(step, lane: lane) }
    }

    /// The launch shape for `fused` on this device, or nil when no work-group can run it (H above
    /// the kernel's work-group limit, or not even one row's scratch fits in local memory).
    func fusedLaunch(_ fused: FusedRecurrentLoop) -> FusedLoopLaunch? {
        let cell = fused.cell, h = cell.units, g = cell.kind.gateCount
        let batch: Int, backward: Bool, hasKernel: Bool
        switch fused {
        case .forward(let f): (batch, backward, hasKernel) = (f.batch, false, true)
        case .backward(let b): (batch, backward, hasKernel) = (b.batch, true, b.recurrentKernel != nil)
        }
        if let rows = rowKernelLaunch(fused) { return rows }
        let weightFloats = h * g * h
        // The double-buffered recurrent operand (forward; plus r ⊙ h̄ for the reset-before GRU) or
        // gate gradient (backward) of one row.
        let rowFloats = backward ? 2 * g * h : (cell.kind == .gru(resetAfter: false) ? 3 * h : 2 * h)
        let localFloats = limits.localMemoryBytes / 4
        // Without a recurrent kernel (a one-step backward) there is nothing to copy in.
        let preferLocal = recurrentLoopMode == .fused && hasKernel && weightFloats + rowFloats <= localFloats
        for localWeights in preferLocal ? [true, false] : [false] {
            let name = Self.loopKernelName(cell, backward: backward, localWeights: localWeights)
            guard let maxGroup = try? programs.maxWorkGroupSize(name, in: "recurrent_loop") else { return nil }
            guard h <= maxGroup, h <= limits.maxWorkItemSizes[0] else {
                Logger(label: "recur.opencl").debug("\(name): H = \(h) exceeds the work-group limit \(min(maxGroup, limits.maxWorkItemSizes[0])); step by step")
                return nil
            }
            let fitting = min(maxGroup / h, limits.maxWorkItemSizes[1], (localFloats - (localWeights ? weightFloats : 0)) / rowFloats)
            guard fitting >= 1 else { continue }
            // Rows share nothing, so more groups only cost the weight copy: a CPU device wants
            // one group per core, a GPU several per compute unit.
            let wantedGroups = limits.isGPU ? 4 * limits.computeUnits : limits.computeUnits
            var rows = min(fitting, (batch + wantedGroups - 1) / wantedGroups)
            let groups = (batch + rows - 1) / rows
            rows = (batch + groups - 1) / groups   // the same number of groups, the fewest idle rows
            let floats = (localWeights ? weightFloats : 0) + rows * rowFloats
            return FusedLoopLaunch(kernel: name, rowsPerGroup: rows, localWeights: localWeights, localBytes: floats * 4)
        }
        return nil
    }

    /// A row kernel (`recurrent_loop.cl`'s `*_loop_{forward,backward}_rows_tanh_sigmoid`: one
    /// work-item per batch row, no barriers) on a CPU device, for the cells and activations it
    /// has, H a multiple of 8 (PoCL, lstm-imdb's forward loop: 158 → 21.5 ms). The backward reads
    /// the previous step's gate gradients back from their rows, so those must not be one reused
    /// row, and keeps Uᵀ in local memory. Two groups per compute unit, so a core that finishes
    /// early takes another.
    func rowKernelLaunch(_ fused: FusedRecurrentLoop) -> FusedLoopLaunch? {
        let cell = fused.cell, batch: Int, backward: Bool
        switch fused {
        case .forward(let f): (batch, backward) = (f.batch, false)
        case .backward(let b):
            guard b.gateGradient.stride != 0, (b.recurrentGateGradient?.stride ?? 1) != 0 else { return nil }
            (batch, backward) = (b.batch, true)
        }
        guard !limits.isGPU, recurrentLoopMode == .fused, cell.units % 8 == 0,
              cell.activation == .tanh, cell.recurrentActivation == .sigmoid || cell.kind == .simpleRNN else { return nil }
        let family: String
        switch cell.kind {
        case .simpleRNN: family = "simple_rnn"
        case .lstm: family = "lstm"
        case .gru(resetAfter: true): family = "gru"
        case .gru(resetAfter: false): return nil
        }
        let name = "\(family)_loop_\(backward ? "backward" : "forward")_rows_tanh_sigmoid"
        guard let maxGroup = try? programs.maxWorkGroupSize(name, in: "recurrent_loop") else { return nil }
        // The backward holds Uᵀ in local memory.
        let localBytes = backward ? cell.units * cell.gateWidth * 4 : 4
        guard localBytes <= limits.localMemoryBytes else { return nil }
        let groups = 2 * limits.computeUnits
        let rows = max(1, min(maxGroup, limits.maxWorkItemSizes[0], (batch + groups - 1) / groups))
        return FusedLoopLaunch(kernel: name, rowsPerGroup: rows, localWeights: backward, localBytes: localBytes, perRow: true)
    }

    /// The loop kernel for `cell`: the Keras-default activations (tanh, recurrent sigmoid) have
    /// kernels of their own with the activations compiled in, which PoCL vectorises across
    /// work-items and the generic ones' runtime switch prevents; other activations take the
    /// generic kernel.
    static func loopKernelName(_ cell: RecurrentCell, backward: Bool, localWeights: Bool) -> String {
        let family: String
        switch cell.kind {
        case .simpleRNN: family = "simple_rnn"
        case .lstm: family = "lstm"
        case .gru(resetAfter: true): family = "gru"
        case .gru(resetAfter: false): family = "gru_reset_before"
        }
        // A SimpleRNN has no recurrent activation: only its activation decides.
        let kerasDefaults = cell.activation == .tanh && (cell.recurrentActivation == .sigmoid || cell.kind == .simpleRNN)
        return "\(family)_loop_\(backward ? "backward" : "forward")_\(localWeights ? "local" : "global")"
            + (kerasDefaults ? "_tanh_sigmoid" : "")
    }

    private func launchFused(_ fused: FusedRecurrentLoop, _ plan: FusedLoopLaunch, lane: Int) throws {
        let cell = fused.cell, h = cell.units
        let activations: [KernelArgument] = [.int(Int(cell.activation.rawValue)), .int(Int(cell.recurrentActivation.rawValue))]
        switch fused {
        case .forward(let f):
            let rowGroups = (f.batch + plan.rowsPerGroup - 1) / plan.rowsPerGroup
            let (global, local) = plan.perRow ? ([rowGroups * plan.rowsPerGroup], [plan.rowsPerGroup])
                                              : ([h, f.batch], [h, plan.rowsPerGroup])
            try launch("recurrent_loop", plan.kernel, global: global, local: local,
                       [.int(f.batch), .int(h), .int(f.time)] + activations + [
                        .floats(f.recurrentKernel), .floats(f.bias), .floats(f.recurrentDropoutMask),
                        .floats(f.initialState), .floats(f.initialCellState), .floats(f.initialOperand),
                        .stepped(f.projectedInput), .stepped(f.state), .stepped(f.cellState), .stepped(f.gates),
                        .stepped(f.mask), .stepped(f.sequenceOutput), .stepped(f.droppedState), .stepped(f.resetState),
                        .local(bytes: plan.localBytes)], lane: lane)
        case .backward(let b):
            let rowGroups = (b.batch + plan.rowsPerGroup - 1) / plan.rowsPerGroup
            let (global, local) = plan.perRow ? ([rowGroups * plan.rowsPerGroup], [plan.rowsPerGroup])
                                              : ([h, b.batch], [h, plan.rowsPerGroup])
            try launch("recurrent_loop", plan.kernel, global: global, local: local,
                       [.int(b.batch), .int(h), .int(b.time)] + activations + [.int(Int(b.maskedOutput.rawValue)),
                        .floats(b.recurrentKernel), .floats(b.recurrentDropoutMask), .floats(b.carriedGradient), .floats(b.cellGradient),
                        .stepped(b.gates), .stepped(b.previousState), .stepped(b.previousCellState), .stepped(b.cellState),
                        .stepped(b.mask), .stepped(b.outputGradient), .stepped(b.gateGradient), .stepped(b.recurrentGateGradient),
                        .local(bytes: plan.localBytes)], lane: lane)
        }
    }
}
