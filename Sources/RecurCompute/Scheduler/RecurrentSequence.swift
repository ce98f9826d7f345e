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
        /// Whether ``RecurrentSequence/backward(outputGradient:finalStateGradient:)`` will run.
        /// Without it (inference) the sequence keeps only what the next step reads: one step of
        /// gates, reused every step, three rows of LSTM cell state, no gradient buffers.
        public var storesForBackward: Bool
        /// Whether the caller reads ``RecurrentSequence/sequenceOutput`` (`return_sequences`).
        /// Forward-only and without it, the state history is three rows too.
        public var outputsSequence: Bool
        /// Set when the input is an embedding lookup projected per distinct token
        /// (``TokenProjection``, bound as ``Bindings/Input/tokens(_:)``): its capacity, the most
        /// distinct tokens a batch can have.
        public var projectedTokens: Int?

        public init(cell: RecurrentCell, batch: Int, time: Int, inputWidth: Int, reverse: Bool = false, masked: Bool = false,
                    maskedOutput: MaskedOutput = .zero, recurrentDropout: Bool = false, inputGradient: Bool = true,
                    storesForBackward: Bool = true, outputsSequence: Bool = true, projectedTokens: Int? = nil) {
            self.cell = cell; self.batch = batch; self.time = time; self.inputWidth = inputWidth
            self.reverse = reverse; self.masked = masked; self.maskedOutput = maskedOutput; self.recurrentDropout = recurrentDropout
            self.inputGradient = inputGradient; self.storesForBackward = storesForBackward; self.outputsSequence = outputsSequence
            self.projectedTokens = projectedTokens
        }

        var resetBefore: Bool { cell.kind == .gru(resetAfter: false) }
        /// A pass over projected tokens, forward in time, with nothing that makes rows differ:
        /// rows in the same leading padding may share their states (``RecurrentLoop/paddedPrefix``).
        /// Forward-only, a backend that shares them may run its rows in another order, so the
        /// history is not the batch's: an output sequence then has a buffer of its own, which the
        /// cells write in the batch's order. In training the history is the batch's (every row
        /// written), and the backward goes through the same rows; not for a reset-before GRU,
        /// whose backward runs its reset gate's own product.
        var paddedPrefixSharing: PaddedPrefixSharing? {
            guard !reverse && !masked && !recurrentDropout && projectedTokens != nil else { return nil }
            if !storesForBackward { return .inference }
            return resetBefore ? nil : .training
        }
        /// Whether the output sequence is a buffer of its own rather than the state history.
        var hasOwnSequenceOutput: Bool { outputsSequence && (paddedPrefixSharing == .inference || (masked && maskedOutput == .zero)) }
        var resetAfter: Bool { cell.kind == .gru(resetAfter: true) }
        /// Steps whose gates (and reset-before GRU reset states) are kept: all, or one reused.
        var savedSteps: Int { storesForBackward ? time : 1 }
        /// Rows of the state history: T+1, or three when nobody reads the history: the initial
        /// state, which keeps its own row (it is zeroed once at allocation, or carried in by
        /// truncated BPTT), and two that the steps use in turn.
        var stateHistoryRows: Int { storesForBackward || (outputsSequence && !hasOwnSequenceOutput) ? time + 1 : 3 }
        var cellStateRows: Int { storesForBackward ? time + 1 : 3 }
    }

    /// Tensors the caller owns and binds: the input, the parameters, their gradients, masks.
    public struct Bindings: Sendable {
        /// What the sequence reads.
        public enum Input: Sendable {
            /// `[T, B, D]`, time-major.
            case sequence(FloatRef)
            /// An embedding lookup the sequence projects per distinct token (the shape says how
            /// many rows at most: ``Shape/projectedTokens``).
            case tokens(TokenProjection)
            /// `[T, B, D]` held as its two halves of columns, `[T, B, D/2]` each: a Bidirectional
            /// layer's concatenated output as its two directions wrote it (``SecondColumns``).
            /// The input gradient, when the shape asks for it, goes into `gradient`'s two halves
            /// the same way (``Bindings/inputGradient`` stays nil).
            case halves(SequenceHalves, gradient: SequenceHalves?)
        }

        /// A `[T, B, D]` sequence's first `D/2` columns and its last, each `[T, B, D/2]`.
        public struct SequenceHalves: Sendable {
            public var first: FloatRef
            public var second: FloatRef
            /// When `first` is the output of a loop that may share its rows' padded prefixes:
            /// that loop (``RecurrentSequence/paddedPrefixLoop``), for the input projection to
            /// take the rows it left equal as one (``GEMM/sharedRowsOfLoop``).
            public var firstSharedByLoop: FloatRef?

            public init(_ first: FloatRef, _ second: FloatRef, firstSharedByLoop: FloatRef? = nil) {
                self.first = first; self.second = second; self.firstSharedByLoop = firstSharedByLoop
            }
        }

        public var input: Input
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

        public init(input: Input, kernel: FloatRef, recurrentKernel: FloatRef, bias: FloatRef, kernelGradient: FloatRef,
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
        let backward = shape.storesForBackward
        _ = layout.reserve("\(prefix).projectedInputs", t * b * g)
        _ = layout.reserve("\(prefix).stepProjection", b * g)
        _ = layout.reserve("\(prefix).states", shape.stateHistoryRows * b * h)
        _ = layout.reserve("\(prefix).gates", shape.savedSteps * b * shape.cell.savedWidth)
        if backward {
            _ = layout.reserve("\(prefix).gateGradients", t * b * g)
            _ = layout.reserve("\(prefix).carried", b * h)
            _ = layout.reserve("\(prefix).recurrentGradient", b * h)
        }
        if shape.cell.kind == .lstm {
            _ = layout.reserve("\(prefix).cellStates", shape.cellStateRows * b * h)
            if backward { _ = layout.reserve("\(prefix).cellGradient", b * h) }
        }
        // A carried masked output is the state history itself; zeros, and the rows of a loop
        // that may share padded prefixes, need their own buffer.
        if shape.hasOwnSequenceOutput { _ = layout.reserve("\(prefix).sequenceOutput", t * b * h) }
        if shape.recurrentDropout { _ = layout.reserve("\(prefix).droppedStates", (t + 1) * b * h) }
        if shape.resetAfter && backward { _ = layout.reserve("\(prefix).recurrentGateGradients", t * b * g) }
        if let rows = shape.projectedTokens {
            _ = layout.reserve("\(prefix).tokenProjection", rows * g)
            if backward { _ = layout.reserve("\(prefix).tokenGateGradients", rows * g) }
        }
        if shape.resetBefore {
            _ = layout.reserve("\(prefix).resetStates", shape.savedSteps * b * h)
            if backward { _ = layout.reserve("\(prefix).resetGradient", b * h) }
        }
    }

    /// The working tensors, bound from an allocated arena.
    struct Workspace: Sendable {
        var projectedInputs, stepProjection, states, gates: FloatRef
        /// Backward's; nil in a forward-only sequence.
        var gateGradients, carried, recurrentGradient: FloatRef?
        var cellStates, cellGradient, sequenceOutput, droppedStates, recurrentGateGradients, resetStates, resetGradient: FloatRef?
        /// ``TokenProjection``'s `P` and `S`, `[capacity, G·H]`.
        var tokenProjection, tokenGateGradients: FloatRef?
    }

    public init(_ shape: Shape, prefix: String, arena: Arena, bindings: Bindings) {
        self.shape = shape
        self.bindings = bindings
        let names = arena.layout.names
        func optional(_ name: String) -> FloatRef? { names["\(prefix).\(name)"].map { arena[$0] } }
        work = Workspace(
            projectedInputs: arena["\(prefix).projectedInputs"], stepProjection: arena["\(prefix).stepProjection"],
            states: arena["\(prefix).states"], gates: arena["\(prefix).gates"], gateGradients: optional("gateGradients"),
            carried: optional("carried"), recurrentGradient: optional("recurrentGradient"),
            cellStates: optional("cellStates"), cellGradient: optional("cellGradient"), sequenceOutput: optional("sequenceOutput"),
            droppedStates: optional("droppedStates"), recurrentGateGradients: optional("recurrentGateGradients"),
            resetStates: optional("resetStates"), resetGradient: optional("resetGradient"),
            tokenProjection: optional("tokenProjection"), tokenGateGradients: optional("tokenGateGradients"))
        if case .tokens(let tokens) = bindings.input {
            precondition(shape.projectedTokens == tokens.capacity, "projected tokens need a shape with their capacity as projectedTokens")
        } else if case .halves = bindings.input {
            precondition(shape.projectedTokens == nil && shape.inputWidth % 2 == 0 && bindings.inputGradient == nil,
                         "a sequence read in halves has an even width, and its gradient goes into halves too")
        } else {
            precondition(shape.projectedTokens == nil, "a shape that projects tokens reads Bindings.Input.tokens")
        }
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

    /// Row `row` of a history tensor, which holds `rows` rows: all T+1, or the initial row then
    /// two used in turn (a step reads one and writes the other: its two rows differ by one).
    func historyRow(_ tensor: FloatRef, _ row: Int, of rows: Int) -> FloatRef {
        if rows == shape.time + 1 { return tensor.row(row, width: stateRows) }
        return tensor.row(row == initialRow ? 0 : 1 + row % 2, width: stateRows)
    }
    func stateRow(_ row: Int) -> FloatRef { historyRow(work.states, row, of: shape.stateHistoryRows) }
    func cellStateRow(_ row: Int) -> FloatRef? { work.cellStates.map { historyRow($0, row, of: shape.cellStateRows) } }
    /// The gates a step saves: its own row, or the one row every step reuses.
    func savedGates(_ time: Int) -> FloatRef {
        work.gates.row(shape.storesForBackward ? time : 0, width: shape.batch * shape.cell.savedWidth)
    }

    /// `[B, H]`: the initial state (zeros unless the caller writes a carried TBPTT state here).
    public var initialState: FloatRef { stateRow(initialRow) }
    /// `[B, H]`: the state after the last processed step (LSTM: `h`).
    public var finalState: FloatRef { stateRow(nextRow(processingOrder.last!)) }
    public var initialCellState: FloatRef? { cellStateRow(initialRow) }
    public var finalCellState: FloatRef? { cellStateRow(nextRow(processingOrder.last!)) }
    /// `[T, B, H]` time-aligned outputs (`return_sequences`): at masked steps zero, or the carried
    /// state, as the shape's `maskedOutput` says.
    public var sequenceOutput: FloatRef {
        precondition(shape.outputsSequence, "the sequence was planned without its output sequence (outputsSequence: false)")
        if let masked = work.sequenceOutput { return masked }
        return work.states.slice((shape.reverse ? 0 : 1) * stateRows, shape.time * stateRows)
    }
    /// A sequence as a product's operand: its tensor and row stride; read in halves, where its
    /// second half's columns are (``SecondColumns``) and the loop that may have left rows of the
    /// first equal (``GEMM/sharedRowsOfLoop``).
    struct SequenceOperand: Equatable {
        var values: FloatRef
        var ld: Int
        var second: SecondColumns? = nil
        var sharedByLoop: FloatRef? = nil

        init(_ values: FloatRef, ld: Int) { self.values = values; self.ld = ld }

        init(_ halves: Bindings.SequenceHalves, width: Int) {
            self.init(halves.first, ld: width / 2)
            second = SecondColumns(column: width / 2, tensor: halves.second, ld: width / 2)
            sharedByLoop = halves.firstSharedByLoop
        }
    }

    /// The input sequence as a product's operand; nil for projected tokens.
    var inputOperand: SequenceOperand? {
        switch bindings.input {
        case .sequence(let input): return SequenceOperand(input, ld: shape.inputWidth)
        case .halves(let input, _): return SequenceOperand(input, width: shape.inputWidth)
        case .tokens: return nil
        }
    }

    /// Whether `other` — a Bidirectional layer's other direction — reads the same input sequence
    /// into gates as wide, so that one product over that input can serve both.
    func readsTheSameInput(as other: RecurrentSequence) -> Bool {
        guard let x = inputOperand else { return false }
        return other.shape.cell.gateWidth == shape.cell.gateWidth && other.shape.inputWidth == shape.inputWidth
            && other.shape.time == shape.time && other.shape.batch == shape.batch && other.inputOperand == x
    }

    /// Where the input sequence's gradient goes, the same way; nil when none is bound.
    var inputGradientOperand: SequenceOperand? {
        switch bindings.input {
        case .sequence: return bindings.inputGradient.map { SequenceOperand($0, ld: shape.inputWidth) }
        case .halves(_, let gradient?): return SequenceOperand(gradient, width: shape.inputWidth)
        case .halves(_, nil), .tokens: return nil
        }
    }

    /// What names the forward loop when it may share its rows' padded prefixes
    /// (``Shape/paddedPrefixSharing``): its time-0 saved gates, by which a backend finds how it
    /// arranged its last run (``GEMM/sharedRowsOfLoop``). Nil for a loop that never shares.
    public var paddedPrefixLoop: FloatRef? { shape.paddedPrefixSharing == nil ? nil : savedGates(0) }
    /// `[B, H]`: where the caller puts d(loss)/d(final state) before ``backward(outputGradient:)``.
    public var finalStateGradient: FloatRef {
        guard let carried = work.carried else { preconditionFailure("a forward-only sequence has no gradients") }
        return carried
    }

    /// The rows that fed each timestep's recurrent product, time-aligned (`[T, B, H]`).
    func recurrentOperands() -> FloatRef {
        let source = work.droppedStates ?? work.states
        return source.slice((shape.reverse ? 1 : 0) * stateRows, shape.time * stateRows)
    }
}
