import COpenCL
import Logging

/// How one fused loop is launched: which kernel, how many batch rows a work-group owns (a row
/// kernel's: how many work-items, each of ``OpenCLBackend/rowsPerRowKernelItem`` rows), and the
/// local memory it needs.
struct FusedLoopLaunch: Hashable {
    var kernel: String
    var rowsPerGroup: Int
    var localWeights: Bool
    var localBytes: Int
    /// A row kernel (`*_loop_{forward,backward}_rows_*`): a few batch rows per work-item, 1-D.
    var perRow = false
}

extension OpenCLBackend {
    /// Runs a recurrent loop as one persistent-kernel launch (`recurrent_loop.cl`) when the loop
    /// is a plain direction and the device can hold a work-group of H work-items; otherwise, or
    /// when ``recurrentLoopMode`` says so, step by step (a CLBlast GEMM and a cell kernel each).
    /// An input gather runs first, as its own kernel, unless the fused kernel reads its rows in
    /// place (``FusedRecurrentLoop/TokenRows``).
    func recurrentLoop(_ loop: RecurrentLoop, lane: Int) throws {
        if recurrentLoopMode != .stepByStep, programs.programs["recurrent_loop"] != nil,
           case .success(let fused) = fusedLoops.recognition(of: loop),
           let plan = fusedLaunch(fused) {
            if case .forward(let f) = fused, f.tokenRows != nil {
                recurrentLoopPaths.gathersReadInPlace += 1
            } else if let gather = loop.inputGather {
                try enqueue(.embeddingGather(gather), lane: lane)
            }
            try launchFused(fused, plan, padding: try sharedPadding(loop, fused, plan), lane: lane)
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
        // A forward run step by step shares nothing: no backward may follow an older launch's paddings.
        if loop.paddedPrefix == .training { sharedPaddings.removeAll() }
        if loop.paddedPrefix == .trainingBackward, case .success(.backward(let b)) = fusedLoops.recognition(of: loop) {
            precondition(sharedPaddings[SavedGatesKey(b.gates, time: b.time)] == nil,
                         "a training loop's forward shared rows that its backward, run step by step, cannot sum")
        }
        if let gather = loop.inputGather { try enqueue(.embeddingGather(gather), lane: lane) }
        for step in loop.steps { try enqueue(step, lane: lane) }
    }

    /// The launch shape for `fused` on this device, or nil when no work-group can run it (H above
    /// the kernel's work-group limit, or not even one row's scratch fits in local memory).
    func fusedLaunch(_ fused: FusedRecurrentLoop) -> FusedLoopLaunch? {
        if let rows = rowKernelLaunch(fused) { return rows }
        let cell = fused.cell, h = cell.units, g = cell.kind.gateCount, batch = fused.batch, backward = fused.isBackward
        let hasKernel: Bool
        if case .backward(let b) = fused { hasKernel = b.recurrentKernel != nil } else { hasKernel = true }
        let weightFloats = h * g * h
        // The double-buffered recurrent operand (forward; plus r ⊙ h̄ for the reset-before GRU) or
        // gate gradient (backward) of one row.
        let rowFloats = backward ? 2 * g * h : (cell.kind == .gru(resetAfter: false) ? 3 * h : 2 * h)
        let localFloats = limits.localMemoryBytes / 4
        // Without a recurrent kernel (a one-step backward) there is nothing to copy in.
        let preferLocal = recurrentLoopMode == .fused && hasKernel && weightFloats + rowFloats <= localFloats
        for localWeights in preferLocal ? [true, false] : [false] {
            let name = Self.loopKernelName(cell, backward: backward, localWeights: localWeights)
            guard let maxGroup = try? maxWorkGroupSize(name, in: "recurrent_loop") else { return nil }
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

    /// ROWS_PER_ITEM in `common.cl`: the batch rows one row-kernel work-item carries.
    static let rowsPerRowKernelItem = 8

    /// The work-items a row kernel needs for `batch` rows.
    static func rowKernelItems(batch: Int) -> Int { (batch + rowsPerRowKernelItem - 1) / rowsPerRowKernelItem }

    /// A row kernel (`recurrent_loop.cl`'s `*_loop_{forward,backward}_rows_tanh_sigmoid`: a few
    /// batch rows per work-item, no barriers) on a CPU device, for the cells and activations it
    /// has, H a multiple of 8 (PoCL, lstm-imdb's forward loop: 158 → 21.5 ms). The backward reads
    /// the previous step's gate gradients back from their rows, so those must not be one reused
    /// row, and keeps Uᵀ in local memory. Four groups per compute unit, so a core that finishes
    /// early takes another: a training batch by decreasing padding (``PaddedPrefixSharing``)
    /// gives its work-items very different work, and the kernels start on the dearest rows.
    func rowKernelLaunch(_ fused: FusedRecurrentLoop) -> FusedLoopLaunch? {
        if case .backward(let b) = fused, b.gateGradient.stride == 0 || b.recurrentGateGradient?.stride == 0 { return nil }
        return rowKernelLaunch(fused.cell, batch: fused.batch, backward: fused.isBackward)
    }

    /// ``rowKernelLaunch(_:)`` for a loop of `cell` over `batch` rows, forward or backward.
    func rowKernelLaunch(_ cell: RecurrentCell, batch: Int, backward: Bool) -> FusedLoopLaunch? {
        guard !limits.isGPU, recurrentLoopMode == .fused, cell.units % 8 == 0, Self.hasKerasActivations(cell),
              cell.kind != .gru(resetAfter: false) else { return nil }
        let name = "\(Self.loopFamily(cell.kind))_loop_\(backward ? "backward" : "forward")_rows_tanh_sigmoid"
        guard let maxGroup = try? maxWorkGroupSize(name, in: "recurrent_loop") else { return nil }
        // The backward holds Uᵀ in local memory.
        let localBytes = backward ? cell.units * cell.gateWidth * 4 : 4
        guard localBytes <= limits.localMemoryBytes else { return nil }
        let groups = 4 * limits.computeUnits, items = Self.rowKernelItems(batch: batch)
        let perGroup = max(1, min(maxGroup, limits.maxWorkItemSizes[0], (items + groups - 1) / groups))
        return FusedLoopLaunch(kernel: name, rowsPerGroup: perGroup, localWeights: backward, localBytes: localBytes, perRow: true)
    }

    /// The loop kernel for `cell`: the Keras-default activations (tanh, recurrent sigmoid) have
    /// kernels of their own with the activations compiled in, which PoCL vectorises across
    /// work-items and the generic ones' runtime switch prevents; other activations take the
    /// generic kernel.
    static func loopKernelName(_ cell: RecurrentCell, backward: Bool, localWeights: Bool) -> String {
        "\(loopFamily(cell.kind))_loop_\(backward ? "backward" : "forward")_\(localWeights ? "local" : "global")"
            + (hasKerasActivations(cell) ? "_tanh_sigmoid" : "")
    }

    /// The prefix of a cell kind's loop kernels.
    static func loopFamily(_ kind: CellKind) -> String {
        switch kind {
        case .simpleRNN: return "simple_rnn"
        case .lstm: return "lstm"
        case .gru(resetAfter: true): return "gru"
        case .gru(resetAfter: false): return "gru_reset_before"
        }
    }

    /// Tanh and a sigmoid recurrent activation, which the `_tanh_sigmoid` kernels have built in (a
    /// SimpleRNN has no recurrent activation: only its activation decides).
    static func hasKerasActivations(_ cell: RecurrentCell) -> Bool {
        cell.activation == .tanh && (cell.recurrentActivation == .sigmoid || cell.kind == .simpleRNN)
    }

    private func launchFused(_ fused: FusedRecurrentLoop, _ plan: FusedLoopLaunch, padding: IntRef?, lane: Int) throws {
        let cell = fused.cell, h = cell.units
        let activations: [KernelArgument] = [.int(Int(cell.activation.rawValue)), .int(Int(cell.recurrentActivation.rawValue))]
        // Row kernels: 1-D, whole groups of work-items of `rowsPerRowKernelItem` rows each; unit
        // kernels: (H, rows).
        let rowGroups = (Self.rowKernelItems(batch: fused.batch) + plan.rowsPerGroup - 1) / plan.rowsPerGroup
        let (global, local) = plan.perRow ? ([rowGroups * plan.rowsPerGroup], [plan.rowsPerGroup])
                                          : ([h, fused.batch], [h, plan.rowsPerGroup])
        switch fused {
        case .forward(let f):
            let tokens = f.tokenRows
            let zeros = try tokens.map { _ in try zeroRows.atLeast(cell.gateWidth, on: self) }
            try launch("recurrent_loop", plan.kernel, global: global, local: local,
                       [.int(f.batch), .int(h), .int(f.time)] + activations + [
                        .floats(f.recurrentKernel), .floats(f.bias), .floats(f.recurrentDropoutMask),
                        .floats(f.initialState), .floats(f.initialCellState), .floats(f.initialOperand),
                        .stepped(tokens == nil ? f.projectedInput : nil), .stepped(f.state), .stepped(f.cellState), .stepped(f.gates),
                        .stepped(f.mask), .stepped(f.sequenceOutput), .stepped(f.droppedState), .stepped(f.resetState),
                        .ints(tokens?.tokenIDs), .int(tokens?.stride ?? 0), .int(tokens?.firstTime ?? 0), .int(tokens?.timeStep ?? 0),
                        .int(tokens?.rows ?? 0), .floats(tokens?.table), .floats(zeros), .ints(padding),
                        .local(bytes: plan.localBytes)], lane: lane)
        case .backward(let b):
            try launch("recurrent_loop", plan.kernel, global: global, local: local,
                       [.int(b.batch), .int(h), .int(b.time)] + activations + [.int(Int(b.maskedOutput.rawValue)),
                        .floats(b.recurrentKernel), .floats(b.recurrentDropoutMask), .floats(b.carriedGradient), .floats(b.cellGradient),
                        .stepped(b.gates), .stepped(b.previousState), .stepped(b.previousCellState),
                        .stepped(b.mask), .stepped(b.outputGradient), .stepped(b.gateGradient), .stepped(b.recurrentGateGradient),
                        .ints(padding), .local(bytes: plan.localBytes)], lane: lane)
        }
    }
}
