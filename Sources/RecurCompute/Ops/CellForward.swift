/// One timestep of a recurrent cell for a whole batch, after the two matrix products:
/// bias, activations, state update, masking and recurrent dropout fused into one launch.
///
/// Inputs are pre-bias products: `projectedInput = x_t·W` (a row of the whole-sequence input
/// GEMM) and `projectedState = h_{t-1}·U` (the per-step recurrent GEMM). Gate order is Keras's.
///
/// - SimpleRNN: `h = act(xW + hU + b)`.
/// - LSTM: `i,f,c̃,o = σ(·),σ(·),act(·),σ(·)`; `c = f·c₋ + i·c̃`; `h = o·act(c)`.
/// - GRU reset-after: `z,r = σ(x_zr + b_xzr + p_zr + b_hzr)`, `h̃ = act(x_h + b_xh + r·(p_h + b_hh))`,
///   `h = z·h₋ + (1−z)·h̃`.
/// - GRU reset-before (`resetAfter: false`): the z, r gates come first from
///   ``GRUResetGateForward``, because `U_h` multiplies `r·h₋`; this op then reads `z` from
///   `gates` and `p_h = (r·h₋)·U_h` from the last block of `projectedState`.
///
/// With recurrent dropout, a GRU interpolates with `h̄ = h₋ ⊙ mask` as Keras's GRUCell does.
/// With a `mask` row of 0 the step is skipped for that sequence: state (and LSTM cell) carry
/// through unchanged, `sequenceOutput` gets exact zeros. `gates` always receives the activated
/// values backward needs (``CellKind/savedWidth(units:)`` floats a row).
public struct CellForward: OpDescription, Hashable {
    public static let kind = OpKind.cellForward
    public var cell: RecurrentCell
    public var batch: Int
    /// `[B, G·H]`: `x_t · W`.
    public var projectedInput: FloatRef
    /// `[B, G·H]`: `h_{t-1} · U` (for reset-before GRU, only the last `H` columns are read).
    public var projectedState: FloatRef
    /// `[G·H]`, or `[2, G·H]` (input row, recurrent row) for a reset-after GRU.
    public var bias: FloatRef
    /// `[B, H]`: `h_{t-1}`, the state that is carried and interpolated.
    public var previousState: FloatRef
    /// `[B, H]`: `h_t` (output).
    public var state: FloatRef
    /// LSTM only, `[B, H]`: `c_{t-1}` and `c_t`.
    public var previousCellState: FloatRef?
    public var cellState: FloatRef?
    /// `[B, savedWidth]`: saved activations (output; input too for the reset-before GRU).
    public var gates: FloatRef
    /// `[B]`: 1 = real timestep, 0 = padding (`mask_zero`).
    public var mask: FloatRef?
    /// `[B, H]`: the `return_sequences` output row, zero where masked. Nil when the caller reads
    /// the state history directly (no mask).
    public var sequenceOutput: FloatRef?
    /// `[B, H]`: the fixed-per-sequence recurrent dropout mask, and where to write `h_t · mask`,
    /// the operand of the next step's recurrent GEMM. Both or neither.
    public var recurrentDropoutMask: FloatRef?
    public var droppedState: FloatRef?

    public init(cell: RecurrentCell, batch: Int, projectedInput: FloatRef, projectedState: FloatRef, bias: FloatRef,
                previousState: FloatRef, state: FloatRef, previousCellState: FloatRef? = nil, cellState: FloatRef? = nil,
                gates: FloatRef, mask: FloatRef? = nil, sequenceOutput: FloatRef? = nil,
                recurrentDropoutMask: FloatRef? = nil, droppedState: FloatRef? = nil) {
        self.cell = cell; self.batch = batch
        self.projectedInput = projectedInput; self.projectedState = projectedState; self.bias = bias
        self.previousState = previousState; self.state = state
        self.previousCellState = previousCellState; self.cellState = cellState
        self.gates = gates; self.mask = mask; self.sequenceOutput = sequenceOutput
        self.recurrentDropoutMask = recurrentDropoutMask; self.droppedState = droppedState
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        let b = batch, h = cell.units, g = cell.gateWidth
        try check.positive(b, "batch"); try check.positive(h, "units")
        try check.count(projectedInput, is: b * g, "projectedInput")
        try check.count(projectedState, is: b * g, "projectedState")
        try check.count(bias, is: cell.biasCount, "bias")
        try check.count(previousState, is: b * h, "previousState")
        try check.count(state, is: b * h, "state")
        try check.count(gates, is: b * cell.savedWidth, "gates")
        try check.count(mask, is: b, "mask")
        try check.count(sequenceOutput, is: b * h, "sequenceOutput")
        try check.count(recurrentDropoutMask, is: b * h, "recurrentDropoutMask")
        try check.count(droppedState, is: b * h, "droppedState")
        try check.require((recurrentDropoutMask == nil) == (droppedState == nil), "droppedState",
                          "and recurrentDropoutMask must be given together")
        if cell.kind == .lstm {
            guard let previousCellState, let cellState else {
                throw ComputeError.invalidArgument(op: Self.kind.rawValue, argument: "cellState", reason: "is required for LSTM")
            }
            try check.count(previousCellState, is: b * h, "previousCellState")
            try check.count(cellState, is: b * h, "cellState")
        }
        try check.require(!state.overlaps(previousState), "state", "must not overlap previousState")
    }
}

/// Reset-before GRU, first half of a step: `z, r = σ(x_zr + p_zr + b_zr)` saved into `gates`, and
/// `resetState = r · h₋`, the operand of the candidate's recurrent GEMM with `U_h`.
public struct GRUResetGateForward: OpDescription, Hashable {
    public static let kind = OpKind.gruResetGateForward
    public var cell: RecurrentCell
    public var batch: Int
    /// `[B, 3H]`: `x_t · W`; the z and r blocks are read.
    public var projectedInput: FloatRef
    /// `[B, 3H]`: `h₋ · U`; the z and r blocks are read.
    public var projectedState: FloatRef
    /// `[3H]`.
    public var bias: FloatRef
    /// `[B, H]`.
    public var previousState: FloatRef
    /// `[B, 3H]`: z and r blocks written.
    public var gates: FloatRef
    /// `[B, H]`: `r · h̄` (output), `h̄ = h₋ ⊙ recurrentDropoutMask`.
    public var resetState: FloatRef
    /// `[B, H]`, as in ``CellForward``.
    public var recurrentDropoutMask: FloatRef?

    public init(cell: RecurrentCell, batch: Int, projectedInput: FloatRef, projectedState: FloatRef, bias: FloatRef,
                previousState: FloatRef, gates: FloatRef, resetState: FloatRef, recurrentDropoutMask: FloatRef? = nil) {
        self.cell = cell; self.batch = batch; self.projectedInput = projectedInput; self.projectedState = projectedState
        self.bias = bias; self.previousState = previousState; self.gates = gates; self.resetState = resetState
        self.recurrentDropoutMask = recurrentDropoutMask
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.require(cell.kind == .gru(resetAfter: false), "cell", "must be a GRU with resetAfter false, got \(cell.kind.name)")
        let b = batch, h = cell.units
        try check.positive(b, "batch"); try check.positive(h, "units")
        try check.count(projectedInput, is: b * 3 * h, "projectedInput")
        try check.count(projectedState, is: b * 3 * h, "projectedState")
        try check.count(bias, is: 3 * h, "bias")
        try check.count(previousState, is: b * h, "previousState")
        try check.count(gates, is: b * 3 * h, "gates")
        try check.count(resetState, is: b * h, "resetState")
        try check.count(recurrentDropoutMask, is: b * h, "recurrentDropoutMask")
    }
}
