/// One timestep of a recurrent cell's backward pass for a whole batch, fused into one launch:
/// the incoming state gradient is assembled, pushed back through the state update and the
/// activations, and written as pre-activation gate gradients `dZ_t` (rows of `[T, B, G·H]`, from
/// which the caller forms dX, dW, dU and db with one GEMM each over all timesteps).
///
/// The state gradient at step t is
/// `dh = outputGradient (unmasked rows only, unless maskedOutput is .carried) + carriedGradient + recurrentGradient ⊙ m`
/// where `recurrentGradient = dZh_{t+1} · Uᵀ` (the caller's per-step GEMM; nil at the last step)
/// and `m` is the recurrent dropout mask (1 without dropout). The op then overwrites
/// `carriedGradient` with the part of `dh_{t-1}` that does not pass through `U`: all of `dh` on a
/// masked row; `z ⊙ dh ⊙ m` for a GRU (Keras's GRUCell interpolates with the dropped `h₋ ⊙ m`);
/// zero otherwise. LSTM's `cellGradient` is updated in place from `dc_t` to `dc_{t-1}`.
///
/// A reset-before GRU writes the z and h̃ blocks of `gateGradient` here; the r block and the
/// `r`-path of the state gradient come from ``GRUResetGateBackward`` once the caller has formed
/// `dh̃_pre · U_hᵀ`. Its `recurrentGradient` is then `dZ_zr · U_zrᵀ` over the z and r blocks only:
/// `U_h` multiplies `r ⊙ h̄`, not `h₋`, so the h̃ block reaches `h₋` through that op instead.
public struct CellBackward: OpDescription, Hashable {
    public static let kind = OpKind.cellBackward
    public var cell: RecurrentCell
    public var batch: Int
    /// `[B, savedWidth]`: what ``CellForward`` saved at this step.
    public var gates: FloatRef
    /// `[B, H]`: `h_{t-1}` (GRU only; the others do not need it).
    public var previousState: FloatRef?
    /// LSTM only, `[B, H]`: `c_{t-1}`. (`act(c_t)` comes saved in ``gates``.)
    public var previousCellState: FloatRef?
    /// `[B]`, as in forward.
    public var mask: FloatRef?
    /// `[B, H]`: gradient of this step's `return_sequences` output.
    public var outputGradient: FloatRef?
    /// What the output was on masked rows: zero (its gradient is dropped there) or the carried
    /// state (its gradient joins the state's, as Keras 3's default `zero_output_for_mask=False`).
    public var maskedOutput: MaskedOutput
    /// `[B, H]`: `dZh_{t+1} · Uᵀ`, nil at the last step.
    public var recurrentGradient: FloatRef?
    /// `[B, H]`: the forward pass's recurrent dropout mask.
    public var recurrentDropoutMask: FloatRef?
    /// `[B, H]`, read then overwritten (see above).
    public var carriedGradient: FloatRef
    /// LSTM only, `[B, H]`: `dc`, read then overwritten with `dc_{t-1}`.
    public var cellGradient: FloatRef?
    /// `[B, G·H]`: `dZ_t`, the gradient of the input-side pre-activations (`x_t·W + b_x`).
    public var gateGradient: FloatRef
    /// Reset-after GRU only, `[B, G·H]`: the gradient of the recurrent-side pre-activations
    /// (`h₋·U + b_h`), which differs from `gateGradient` in the h̃ block by the factor `r`.
    public var recurrentGateGradient: FloatRef?

    public init(cell: RecurrentCell, batch: Int, gates: FloatRef, previousState: FloatRef? = nil,
                previousCellState: FloatRef? = nil, mask: FloatRef? = nil,
                outputGradient: FloatRef? = nil, maskedOutput: MaskedOutput = .zero, recurrentGradient: FloatRef? = nil,
                recurrentDropoutMask: FloatRef? = nil, carriedGradient: FloatRef, cellGradient: FloatRef? = nil,
                gateGradient: FloatRef, recurrentGateGradient: FloatRef? = nil) {
        self.cell = cell; self.batch = batch; self.gates = gates; self.previousState = previousState
        self.previousCellState = previousCellState; self.mask = mask
        self.outputGradient = outputGradient; self.maskedOutput = maskedOutput; self.recurrentGradient = recurrentGradient
        self.recurrentDropoutMask = recurrentDropoutMask; self.carriedGradient = carriedGradient
        self.cellGradient = cellGradient; self.gateGradient = gateGradient; self.recurrentGateGradient = recurrentGateGradient
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        let b = batch, h = cell.units, g = cell.gateWidth
        try check.positive(b, "batch"); try check.positive(h, "units")
        try check.count(gates, is: b * cell.savedWidth, "gates")
        try check.count(mask, is: b, "mask")
        try check.count(outputGradient, is: b * h, "outputGradient")
        try check.count(recurrentGradient, is: b * h, "recurrentGradient")
        try check.count(recurrentDropoutMask, is: b * h, "recurrentDropoutMask")
        try check.count(carriedGradient, is: b * h, "carriedGradient")
        try check.count(gateGradient, is: b * g, "gateGradient")
        switch cell.kind {
        case .lstm:
            guard let previousCellState, let cellGradient else {
                throw ComputeError.invalidArgument(op: Self.kind.rawValue, argument: "previousCellState",
                                                   reason: "previousCellState and cellGradient are required for LSTM")
            }
            try check.count(previousCellState, is: b * h, "previousCellState")
            try check.count(cellGradient, is: b * h, "cellGradient")
        case .gru(let resetAfter):
            guard let previousState else {
                throw ComputeError.invalidArgument(op: Self.kind.rawValue, argument: "previousState", reason: "is required for GRU")
            }
            try check.count(previousState, is: b * h, "previousState")
            if resetAfter {
                guard let recurrentGateGradient else {
                    throw ComputeError.invalidArgument(op: Self.kind.rawValue, argument: "recurrentGateGradient",
                                                       reason: "is required for a reset-after GRU")
                }
                try check.count(recurrentGateGradient, is: b * g, "recurrentGateGradient")
            }
        case .simpleRNN:
            break
        }
    }
}

/// Reset-before GRU, second half of a step's backward: with `resetStateGradient = dh̃_pre · U_hᵀ`
/// (the gradient of `r ⊙ h̄`, `h̄ = h₋ ⊙ m`), writes the r block of `gateGradient`
/// (`resetStateGradient ⊙ h̄ ⊙ σ'(r)`) and adds `resetStateGradient ⊙ r ⊙ m` to `carriedGradient`.
public struct GRUResetGateBackward: OpDescription, Hashable {
    public static let kind = OpKind.gruResetGateBackward
    public var cell: RecurrentCell
    public var batch: Int
    /// `[B, 3H]`: saved z, r, h̃.
    public var gates: FloatRef
    /// `[B, H]`: `h₋`.
    public var previousState: FloatRef
    /// `[B, H]`.
    public var resetStateGradient: FloatRef
    public var recurrentDropoutMask: FloatRef?
    /// `[B, H]`, accumulated into.
    public var carriedGradient: FloatRef
    /// `[B, 3H]`: the r block is written.
    public var gateGradient: FloatRef

    public init(cell: RecurrentCell, batch: Int, gates: FloatRef, previousState: FloatRef, resetStateGradient: FloatRef,
                recurrentDropoutMask: FloatRef? = nil, carriedGradient: FloatRef, gateGradient: FloatRef) {
        self.cell = cell; self.batch = batch; self.gates = gates; self.previousState = previousState
        self.resetStateGradient = resetStateGradient; self.recurrentDropoutMask = recurrentDropoutMask
        self.carriedGradient = carriedGradient; self.gateGradient = gateGradient
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.require(cell.kind == .gru(resetAfter: false), "cell", "must be a GRU with resetAfter false, got \(cell.kind.name)")
        let b = batch, h = cell.units
        try check.positive(b, "batch"); try check.positive(h, "units")
        try check.count(gates, is: b * 3 * h, "gates")
        try check.count(previousState, is: b * h, "previousState")
        try check.count(resetStateGradient, is: b * h, "resetStateGradient")
        try check.count(recurrentDropoutMask, is: b * h, "recurrentDropoutMask")
        try check.count(carriedGradient, is: b * h, "carriedGradient")
        try check.count(gateGradient, is: b * 3 * h, "gateGradient")
    }
}

/// What a `return_sequences` output holds at a masked timestep.
public enum MaskedOutput: Int32, Hashable, Sendable, Codable {
    /// Exact zeros (Keras `zero_output_for_mask=True`; Keras 2's LSTM/GRU default).
    case zero = 0
    /// The carried state, i.e. the previous output (Keras 3's default `zero_output_for_mask=False`).
    case carried = 1
}
