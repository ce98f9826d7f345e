/// Which recurrent layer, with the options that exist for that family only — so an LSTM cannot
/// carry `reset_after` and a GRU cannot carry `unit_forget_bias`.
public enum RecurrentFamily: Hashable, Sendable {
    case simpleRNN
    /// `unitForgetBias`: Keras's `unit_forget_bias` (initialize the forget-gate bias to 1).
    case lstm(unitForgetBias: Bool)
    /// `resetAfter`: Keras's `reset_after` (True by default: cuDNN-compatible, bias `[2, 3H]`).
    case gru(resetAfter: Bool)

    /// The compute core's cell kind.
    public var cellKind: CellKind {
        switch self {
        case .simpleRNN: return .simpleRNN
        case .lstm: return .lstm
        case .gru(let resetAfter): return .gru(resetAfter: resetAfter)
        }
    }

    /// The Keras class name: `SimpleRNN`, `LSTM`, `GRU`.
    public var kerasClassName: String {
        switch self {
        case .simpleRNN: return "SimpleRNN"
        case .lstm: return "LSTM"
        case .gru: return "GRU"
        }
    }

    /// The fixed name Keras gives the cell inside the layer, which appears in weight paths.
    public var kerasCellName: String {
        switch self {
        case .simpleRNN: return "simple_rnn_cell"
        case .lstm: return "lstm_cell"
        case .gru: return "gru_cell"
        }
    }
}

/// Keras `SimpleRNN` / `LSTM` / `GRU` with Keras's argument names and defaults.
///
/// Build one with ``simpleRNN(_:activation:useBias:returnSequences:goBackwards:dropout:recurrentDropout:trainable:name:)``,
/// ``lstm(_:activation:recurrentActivation:useBias:unitForgetBias:returnSequences:goBackwards:dropout:recurrentDropout:trainable:name:)``
/// or ``gru(_:activation:recurrentActivation:useBias:resetAfter:returnSequences:goBackwards:dropout:recurrentDropout:trainable:name:)``.
public struct RecurrentConfig: Hashable, Sendable {
    /// `nil` until the model assigns Keras's default (`lstm`, `lstm_1`, …).
    public var name: String?
    public var family: RecurrentFamily
    public var units: Int
    /// The candidate / output non-linearity (`tanh`).
    public var activation: Activation
    /// The gates' non-linearity (`sigmoid`); SimpleRNN has no gates and ignores it.
    public var recurrentActivation: Activation
    public var useBias: Bool
    /// Emit every timestep `[B, T, H]` instead of the last `[B, H]`.
    public var returnSequences: Bool
    /// Read the sequence back to front.
    public var goBackwards: Bool
    /// Input dropout rate, one mask per sequence (Keras `dropout`).
    public var dropout: Double
    /// Recurrent-state dropout rate, one mask per sequence (Keras `recurrent_dropout`).
    public var recurrentDropout: Double
    public var trainable: Bool

    public init(
        family: RecurrentFamily, units: Int, activation: Activation = .tanh,
        recurrentActivation: Activation = .sigmoid, useBias: Bool = true,
        returnSequences: Bool = false, goBackwards: Bool = false, dropout: Double = 0,
        recurrentDropout: Double = 0, trainable: Bool = true, name: String? = nil
    ) {
        self.name = name
        self.family = family
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.useBias = useBias
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
        self.dropout = dropout
        self.recurrentDropout = recurrentDropout
        self.trainable = trainable
    }

    /// Keras `SimpleRNN(units, activation="tanh", use_bias=True, …)`.
    public static func simpleRNN(
        _ units: Int, activation: Activation = .tanh, useBias: Bool = true,
        returnSequences: Bool = false, goBackwards: Bool = false, dropout: Double = 0,
        recurrentDropout: Double = 0, trainable: Bool = true, name: String? = nil
    ) -> RecurrentConfig {
        RecurrentConfig(
            family: .simpleRNN, units: units, activation: activation, useBias: useBias,
            returnSequences: returnSequences, goBackwards: goBackwards, dropout: dropout,
            recurrentDropout: recurrentDropout, trainable: trainable, name: name)
    }

    /// Keras `LSTM(units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True, …)`.
    public static func lstm(
        _ units: Int, activation: Activation = .tanh, recurrentActivation: Activation = .sigmoid,
        useBias: Bool = true, unitForgetBias: Bool = true, returnSequences: Bool = false,
        goBackwards: Bool = false, dropout: Double = 0, recurrentDropout: Double = 0,
        trainable: Bool = true, name: String? = nil
    ) -> RecurrentConfig {
        RecurrentConfig(
            family: .lstm(unitForgetBias: unitForgetBias), units: units, activation: activation,
            recurrentActivation: recurrentActivation, useBias: useBias,
            returnSequences: returnSequences, goBackwards: goBackwards, dropout: dropout,
            recurrentDropout: recurrentDropout, trainable: trainable, name: name)
    }

    /// Keras `GRU(units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, …)`.
    public static func gru(
        _ units: Int, activation: Activation = .tanh, recurrentActivation: Activation = .sigmoid,
        useBias: Bool = true, resetAfter: Bool = true, returnSequences: Bool = false,
        goBackwards: Bool = false, dropout: Double = 0, recurrentDropout: Double = 0,
        trainable: Bool = true, name: String? = nil
    ) -> RecurrentConfig {
        RecurrentConfig(
            family: .gru(resetAfter: resetAfter), units: units, activation: activation,
            recurrentActivation: recurrentActivation, useBias: useBias,
            returnSequences: returnSequences, goBackwards: goBackwards, dropout: dropout,
            recurrentDropout: recurrentDropout, trainable: trainable, name: name)
    }

    /// The cell as the compute core runs it.
    public var cell: RecurrentCell {
        RecurrentCell(family.cellKind, units: units, activation: activation,
                      recurrentActivation: recurrentActivation)
    }

    /// Weights of one direction on `inputFeatures` inputs: `G·H·(D + H)` plus the bias
    /// (`G·H`, or `2·G·H` for a reset-after GRU).
    public func parameterCount(inputFeatures: Int) -> Int {
        let cell = self.cell
        return cell.gateWidth * (inputFeatures + units) + (useBias ? cell.biasCount : 0)
    }
}
