/// The ops of one recurrent layer direction over a whole sequence, forward and backward — the
/// compute core's equivalent of cuDNN's RNN forward/backward, which the layers call:
///
/// - forward: ONE GEMM projects every timestep's input (`[T·B, D] × [D, G·H]`); then per step one
///   recurrent GEMM (`[B, H] × [H, G·H]`) and one fused ``CellForward`` launch (two of each for a
///   reset-before GRU, whose candidate needs `r` before its product).
/// - backward: per step one fused ``CellBackward`` and one recurrent GEMM; then the input, kernel
///   and recurrent-kernel gradients as ONE GEMM each over all timesteps, and the bias as one
///   row sum.
///
/// The per-step ops of each pass come grouped in one ``RecurrentLoop``: the OpenCL backend
/// enqueues them one by one, the CPU backend runs the whole loop per batch tile on each worker.
///
/// States live in `[T+1, B, H]` arranged so that both directions come out aligned with time and
/// need no reversal: the forward direction starts at row 0 and writes row t+1 at time t; the
/// reverse direction (`go_backwards`, Bidirectional's second half) starts at row T and writes row
/// t at time t. So the time-aligned output is rows 1…T or 0…T−1, and the states that fed each
/// timestep are the other T rows — both contiguous, which is what lets `dU` be one GEMM.
public struct RecurrentSequence: Sendable {
    public struct Shape: Hashable, Sendable {
        public var cell: RecurrentCell
        public var batch: Int
        public var time: Int
        public var inputWidth: Int
        /// Process time from T−1 down to 0.
        public var reverse: Bool
        /// A `[T, B]` timestep mask (Keras `mask_zero`).
        public var masked: Bool
        /// With a mask: whether masked steps output zeros or carry the previous output.
        public var maskedOutput: MaskedOutput
        /// A fixed `[B, H]` recurrent dropout mask.
        public var recurrentDropout: Bool
        /// Whether the caller needs the gradient of the input sequence.
        public var inputGradient: Bool

        public init(cell: RecurrentCell, batch: Int, time: Int, inputWidth: Int, reverse: Bool = false, masked: Bool = false,
                    maskedOutput: MaskedOutput = .zero, recurrentDropout: Bool = false, inputGradient: Bool = true) {
            self.cell = cell; self.batch = batch; self.time = time; self.inputWidth = inputWidth
            self.reverse = reverse; self.masked = masked; self.maskedOutput = maskedOutput; self.recurrentDropout = recurrentDropout
            self.inputGradient = inputGradient
        }

        var resetBefore: Bool { cell.kind == .gru(resetAfter: false) }
        var resetAfter: Bool { cell.kind == .gru(resetAfter: true) }
    }

    /// Tensors the caller owns and binds: the input, the parameters, their gradients, masks.
    public struct Bindings: Sendable {
        /// `[T, B, D]`, time-major.
        public var input: FloatRef
        /// `[D, G·H]`, `[H, G·H]`, `[biasCount]`.
        public var kernel: FloatRef
        public var recurrentKernel: FloatRef
        public var bias: FloatRef
        public var kernelGradient: FloatRef
        public var recurrentKernelGradient: FloatRef
        public var biasGradient: FloatRef
        /// `[T, B, D]`, written (overwritten) by backward when the shape asks for it.
        public var inputGradient: FloatRef?
        /// `[T, B]`.
        public var mask: FloatRef?
        /// `[B, H]`.
        public var recurrentDropoutMask: FloatRef?

        public init(input: FloatRef, kernel: FloatRef, recurrentKernel: FloatRef, bias: FloatRef, kernelGradient: FloatRef,
                    recurrentKernelGradient: FloatRef, biasGradient: FloatRef, inputGradient: FloatRef? = nil,
                    mask: FloatRef? = nil, recurrentDropoutMask: FloatRef? = nil) {
            self.input = input; self.kernel = kernel; self.recurrentKernel = recurrentKernel; self.bias = bias
            self.kernelGradient = kernelGradient; self.recurrentKernelGradient = recurrentKernelGradient
            self.biasGradient = biasGradient; self.inputGradient = inputGradient; self.mask = mask
            self.recurrentDropoutMask = recurrentDropoutMask
        }
    }

    public let shape: Shape
    public let bindings: Bindings
    let work: Workspace

    /// Reserves the layer's working tensors under `prefix` in `layout`.
    public static func reserve(_ shape: Shape, prefix: String, in layout: inout ArenaLayout) {
        let (b, t, h, g) = (shape.batch, shape.time, shape.cell.units, shape.cell.gateWidth)
        _ = layout.reserve("\(prefix).projectedInputs", t * b * g)
        _ = layout.reserve("\(prefix).stepProjection", b * g)
        _ = layout.reserve("\(prefix).states", (t + 1) * b * h)
        _ = layout.reserve("\(prefix).gates", t * b * shape.cell.savedWidth)
        _ = layout.reserve("\(prefix).gateGradients", t * b * g)
        _ = layout.reserve("\(prefix).carried", b * h)
        _ = layout.reserve("\(prefix).recurrentGradient", b * h)
        if shape.cell.kind == .lstm {
            _ = layout.reserve("\(prefix).cellStates", (t + 1) * b * h)
            _ = layout.reserve("\(prefix).cellGradient", b * h)
        }
        // A carried masked output is the state history itself; only zeros need their own buffer.
        if shape.masked && shape.maskedOutput == .zero { _ = layout.reserve("\(prefix).sequenceOutput", t * b * h) }
        if shape.recurrentDropout { _ = layout.reserve("\(prefix).droppedStates", (t + 1) * b * h) }
        if shape.resetAfter { _ = layout.reserve("\(prefix).recurrentGateGradients", t * b * g) }
        if shape.resetBefore {
            _ = layout.reserve("\(prefix).resetStates", t * b * h)
            _ = layout.reserve("\(prefix).resetGradient", b * h)
        }
    }

    /// The working tensors, bound from an allocated arena.
    struct Workspace: Sendable {
        var projectedInputs, stepProjection, states, gates, gateGradients, carried, recurrentGradient: FloatRef
        var cellStates, cellGradient, sequenceOutput, droppedStates, recurrentGateGradients, resetStates, resetGradient: FloatRef?
    }

    public init(_ shape: Shape, prefix: String, arena: Arena, bindings: Bindings) {
        self.shape = shape
        self.bindings = bindings
        let names = arena.layout.names
        func optional(_ name: String) -> FloatRef? { names["\(prefix).\(name)"].map { arena[$0] } }
        work = Workspace(
            projectedInputs: arena["\(prefix).projectedInputs"], stepProjection: arena["\(prefix).stepProjection"],
            states: arena["\(prefix).states"], gates: arena["\(prefix).gates"], gateGradients: arena["\(prefix).gateGradients"],
            carried: arena["\(prefix).carried"], recurrentGradient: arena["\(prefix).recurrentGradient"],
            cellStates: optional("cellStates"), cellGradient: optional("cellGradient"), sequenceOutput: optional("sequenceOutput"),
            droppedStates: optional("droppedStates"), recurrentGateGradients: optional("recurrentGateGradients"),
            resetStates: optional("resetStates"), resetGradient: optional("resetGradient"))
    }

    // MARK: where things are

    var stateRows: Int { shape.batch * shape.cell.units }
    /// Row of `states` holding the initial state.
    var initialRow: Int { shape.reverse ? shape.time : 0 }
    /// Row read by the step at time `t`, and row it writes.
    func previousRow(_ t: Int) -> Int { shape.reverse ? t + 1 : t }
    func nextRow(_ t: Int) -> Int { shape.reverse ? t : t + 1 }
    /// Times in processing order.
    var processingOrder: [Int] { shape.reverse ? Array((0..<shape.time).reversed()) : Array(0..<shape.time) }

    func stateRow(_ tensor: FloatRef, _ row: Int) -> FloatRef { tensor.row(row, width: stateRows) }

    /// `[B, H]`: the initial state (zeros unless the caller writes a carried TBPTT state here).
    public var initialState: FloatRef { stateRow(work.states, initialRow) }
    /// `[B, H]`: the state after the last processed step (LSTM: `h`).
    public var finalState: FloatRef { stateRow(work.states, nextRow(processingOrder.last!)) }
    public var initialCellState: FloatRef? { work.cellStates.map { stateRow($0, initialRow) } }
    public var finalCellState: FloatRef? { work.cellStates.map { stateRow($0, nextRow(processingOrder.last!)) } }
    /// `[T, B, H]` time-aligned outputs (`return_sequences`): at masked steps zero, or the carried
    /// state, as the shape's `maskedOutput` says.
    public var sequenceOutput: FloatRef {
        if let masked = work.sequenceOutput { return masked }
        return work.states.slice((shape.reverse ? 0 : 1) * stateRows, shape.time * stateRows)
    }
    /// `[B, H]`: where the caller puts d(loss)/d(final state) before ``backward(outputGradient:)``.
    public var finalStateGradient: FloatRef { work.carried }

    /// The rows that fed each timestep's recurrent product, time-aligned (`[T, B, H]`).
    func recurrentOperands() -> FloatRef {
        let source = work.droppedStates ?? work.states
        return source.slice((shape.reverse ? 1 : 0) * stateRows, shape.time * stateRows)
    }
}
