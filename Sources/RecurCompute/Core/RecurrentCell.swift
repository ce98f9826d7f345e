/// The three recurrent cell families, with the Keras variants that change their math.
public enum CellKind: Hashable, Sendable, Codable {
    case simpleRNN
    /// Keras gate order `i, f, c, o`.
    case lstm
    /// Keras gate order `z, r, h`. `resetAfter: true` (Keras's default, cuDNN-compatible) applies
    /// the reset gate after the recurrent product and keeps a separate recurrent bias.
    case gru(resetAfter: Bool)

    /// G: how many `units`-wide blocks the kernel and recurrent kernel have.
    public var gateCount: Int {
        switch self {
        case .simpleRNN: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }

    /// The Keras bias length for `units` units: `G·H`, or `2·G·H` (input and recurrent bias rows)
    /// for a reset-after GRU.
    public func biasCount(units: Int) -> Int {
        if case .gru(resetAfter: true) = self { return 2 * gateCount * units }
        return gateCount * units
    }

    /// Floats per batch row the forward pass saves for backward (see each cell's kernel header).
    /// LSTM's `act(c)` is among them although the cell state is kept too: the forward computes
    /// it anyway, and the backward would otherwise compute it again for every unit and step.
    public func savedWidth(units: Int) -> Int {
        switch self {
        case .simpleRNN: return units                 // activated output before masking
        case .lstm: return 5 * units                  // i, f, c̃, o (activated), and act(c)
        case .gru(resetAfter: true): return 4 * units // z, r, h̃ (activated), and U_h·h + b_rh
        case .gru(resetAfter: false): return 3 * units // z, r, h̃ (activated)
        }
    }

    public var name: String {
        switch self {
        case .simpleRNN: return "SimpleRNN"
        case .lstm: return "LSTM"
        case .gru(resetAfter: true): return "GRU"
        case .gru(resetAfter: false): return "GRU(reset_after=False)"
        }
    }
}

/// A recurrent cell as the compute core needs it: its family, width and activations.
public struct RecurrentCell: Hashable, Sendable, Codable {
    public var kind: CellKind
    public var units: Int
    /// Keras `activation` (the candidate / output non-linearity), `tanh` by default.
    public var activation: Activation
    /// Keras `recurrent_activation` (the gates), `sigmoid` by default; unused by SimpleRNN.
    public var recurrentActivation: Activation

    public init(_ kind: CellKind, units: Int, activation: Activation = .tanh, recurrentActivation: Activation = .sigmoid) {
        self.kind = kind
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
    }

    public var gateWidth: Int { kind.gateCount * units }
    public var savedWidth: Int { kind.savedWidth(units: units) }
    public var biasCount: Int { kind.biasCount(units: units) }
}
