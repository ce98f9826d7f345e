/// The loss functions, as Keras names them.
public enum LossKind: Int32, Sendable, Codable, CaseIterable {
    case binaryCrossEntropy = 0
    case categoricalCrossEntropy = 1
    case sparseCategoricalCrossEntropy = 2
}

/// What the model's last layer hands the loss. Keras 3 computes cross-entropy from the
/// pre-activation logits whenever the last activation is sigmoid or softmax (stable, no epsilon
/// clipping); `probabilities` is the other path, clipped to `[ε, 1 − ε]`, ε = 1e-7, as Keras does.
public enum LossInput: Int32, Sendable, Codable {
    case logits = 0
    case probabilities = 1
}

/// Labels: class indices `[B]` for sparse categorical, otherwise values `[B, C]`.
public enum LossLabels: Hashable, Sendable {
    case indices(IntRef)
    case values(FloatRef)
}

/// Mean cross-entropy over the batch and its gradient with respect to `predictions`, in one
/// launch. `loss` receives the batch's mean (or has it added, `accumulate`, so an epoch's total
/// builds up on the device and is read once). Binary cross-entropy averages over the C outputs
/// of a row too, as Keras does. Row sums run in a fixed order (deterministic).
public struct Loss: OpDescription, Hashable {
    public static let kind = OpKind.loss
    public var loss: LossKind
    public var input: LossInput
    public var batch: Int
    public var classes: Int
    /// `[B, C]`.
    public var predictions: FloatRef
    public var labels: LossLabels
    /// `[1]`.
    public var value: FloatRef
    public var accumulate: Bool
    /// `[B, C]`: d(mean loss)/d(predictions); nil for evaluation.
    public var predictionsGradient: FloatRef?

    public init(_ loss: LossKind, input: LossInput, batch: Int, classes: Int, predictions: FloatRef, labels: LossLabels,
                value: FloatRef, accumulate: Bool = false, predictionsGradient: FloatRef? = nil) {
        self.loss = loss; self.input = input; self.batch = batch; self.classes = classes
        self.predictions = predictions; self.labels = labels; self.value = value
        self.accumulate = accumulate; self.predictionsGradient = predictionsGradient
    }

    public func validate() throws {
        let check = ShapeCheck(Self.kind)
        try check.positive(batch, "batch"); try check.positive(classes, "classes")
        try check.count(predictions, is: batch * classes, "predictions")
        try check.count(value, is: 1, "value")
        try check.count(predictionsGradient, is: batch * classes, "predictionsGradient")
        switch (loss, labels) {
        case (.sparseCategoricalCrossEntropy, .indices(let l)): try check.count(l, is: batch, "labels")
        case (.sparseCategoricalCrossEntropy, .values):
            throw ComputeError.invalidArgument(op: Self.kind.rawValue, argument: "labels", reason: "must be class indices for sparse categorical cross-entropy")
        case (_, .values(let l)): try check.count(l, is: batch * classes, "labels")
        case (_, .indices):
            throw ComputeError.invalidArgument(op: Self.kind.rawValue, argument: "labels", reason: "must be values [B, C] for \(loss)")
        }
        if loss != .binaryCrossEntropy {
            try check.require(classes >= 2, "classes", "must be ≥ 2 for a categorical loss, got \(classes)")
        }
    }
}

/// Adds the number of correct predictions in the batch to `correct` (`[1]`, a float so it
/// shares the loss's read-back): binary (`p > 0.5`, i.e. logit > 0, against `label > 0.5`, per
/// output), sparse (argmax = index) or categorical (argmax = argmax of the labels).
public struct AccuracyCount: OpDescription, Hashable {
    public static let kind = OpKind.accuracyCount
    public var loss: LossKind
    public var input: LossInput
    public var batch: Int
    public var classes: Int
    public var predictions: FloatRef
    public var labels: LossLabels
    public var correct: FloatRef

    public init(_ loss: LossKind, input: LossInput, batch: Int, classes: Int, predictions: FloatRef, labels: LossLabels, correct: FloatRef) {
        self.loss = loss; self.input = input; self.batch = batch; self.classes = classes
        self.predictions = predictions; self.labels = labels; self.correct = correct
    }

    public func validate() throws {
        try Loss(loss, input: input, batch: batch, classes: classes, predictions: predictions, labels: labels,
                 value: correct).validate()
    }
}
