/// Padded prefixes shared in training on OpenCL (``PaddedPrefixSharing/training``): the row
/// kernels (`recurrent_loop.cl`, a CPU device) share within each work-item's eight rows, as the
/// CPU backend shares within a tile. The forward kernel finds each row's leading padding from the
/// token slots it reads, shares where the item's rows come by decreasing padding from equal
/// initial states, and writes the paddings it shared by into a `[B]` buffer of the loop's; its
/// backward kernel reads them and sums the copied rows' gradients into the row that stood for
/// them. Without a row kernel for both, neither shares (a GPU's unit kernels do not: there a
/// work-group's rows run in lockstep, and skipping some would save nothing).
extension OpenCLBackend {
    /// The paddings buffer `fused` shares by, or nil when it shares nothing. A training forward
    /// gets its loop's buffer (made on first use) when its row kernel reads token rows forward in
    /// time and its backward will run the row kernel too; every forward launch says anew whether
    /// its backward has one. The backward gets its forward's, found by their time-0 saved gates.
    func sharedPadding(_ loop: RecurrentLoop, _ fused: FusedRecurrentLoop, _ plan: FusedLoopLaunch) throws -> IntRef? {
        switch fused {
        case .forward(let f):
            guard loop.paddedPrefix == .training else { return nil }
            let key = SavedGatesKey(f.gates, time: f.time)
            guard plan.perRow, let tokens = f.tokenRows, tokens.firstTime == 0, tokens.timeStep == 1, f.mask == nil,
                  f.recurrentDropoutMask == nil, f.sequenceOutput == nil,
                  rowKernelLaunch(f.cell, batch: f.batch, backward: true) != nil else {
                sharedPaddings[key] = nil
                return nil
            }
            recurrentLoopPaths.paddingBuffersGiven += 1
            if let buffer = sharedPaddings[key], buffer.count == f.batch { return buffer }
            let buffer = try intTensor([Int32](repeating: 0, count: f.batch))
            sharedPaddings[key] = buffer
            return buffer
        case .backward(let b):
            guard loop.paddedPrefix == .trainingBackward, let buffer = sharedPaddings[SavedGatesKey(b.gates, time: b.time)] else { return nil }
            precondition(plan.perRow && b.mask == nil && b.recurrentDropoutMask == nil,
                         "a training loop's forward shared rows that its backward kernel cannot sum")
            return buffer
        }
    }

    /// The arguments by which a kernel reading a training loop's gate gradients skips the rows
    /// its backward left zero (`zero_row` in common.cl): the paddings its forward shared by and
    /// the batch, or a null buffer (read every row) when `loop` is nil or shared nothing.
    func zeroRowArguments(ofLoop loop: FloatRef?) -> [KernelArgument] {
        let padding = loop.flatMap { sharedPaddings[SavedGatesKey($0)] }
        return [.ints(padding), .int(padding?.count ?? 0)]
    }
}

/// Where a direction's saved gates start: its forward and backward loop both read them.
struct SavedGatesKey: Hashable {
    let storage: ObjectIdentifier
    let offset: Int

    /// The gates of `time` steps, stepped in either direction: the lower end is timestep 0's.
    init(_ gates: SteppedTensor, time: Int) {
        storage = ObjectIdentifier(gates.first.storage)
        offset = Swift.min(gates.view(0).offset, gates.view(Swift.max(time - 1, 0)).offset)
    }

    /// Timestep 0's gates themselves.
    init(_ gates: FloatRef) {
        storage = ObjectIdentifier(gates.storage)
        offset = gates.offset
    }
}
