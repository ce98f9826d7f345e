import Recur
import RecurCompute

/// FLOPs of one training step and one inference step, counted analytically from the model's
/// shapes (Benchmarks/README.md prints the formula). A multiply-add is two FLOPs; an add,
/// multiply or activation function in a fused kernel is one. Data movement (the embedding
/// gather, copies, fills, dropout masks, the bidirectional merge, the loss) counts zero.
///
/// The backward pass is counted as the engine runs it: the recurrent gradient GEMM runs for
/// T−1 steps (the first processed step has no earlier state to send a gradient to), and the
/// input-gradient GEMM `dX` runs only when a layer below has trained weights — so it is skipped
/// for the first recurrent layer over a frozen embedding (`bigru-w2v`).
public struct FLOPCount: Sendable, Hashable, Codable {
    // Forward (inference is exactly these).
    public var inputProjection = 0.0
    public var recurrentForward = 0.0
    public var cellForward = 0.0
    public var denseForward = 0.0
    // Backward and update (training adds these).
    public var cellBackward = 0.0
    public var recurrentBackward = 0.0
    public var weightGradient = 0.0
    public var inputGradient = 0.0
    public var embeddingGradient = 0.0
    public var optimizer = 0.0

    /// Fused cell kernel FLOPs per batch row and unit per timestep (forward, backward), each
    /// add, multiply and activation counted once: SimpleRNN `tanh(x·W + h·U + b)`; LSTM's four
    /// gates, `c = f·c + i·c̃` and `h = o·tanh(c)`; GRU's `z`, `r`, the candidate with two biases
    /// and `h = z·h + (1−z)·h̃`. Small next to the GEMMs (under 3% for every preset).
    public static func cellElementwise(_ kind: CellKind) -> (forward: Double, backward: Double) {
        switch kind {
        case .simpleRNN: return (3, 4)
        case .lstm: return (17, 23)
        case .gru: return (17, 18)
        }
    }

    /// FLOPs per parameter of one optimizer update: SGD 2 (4 with momentum), RMSprop 8
    /// (10 with momentum), Adam 12.
    public static func optimizerPerParameter(_ rule: OptimizerRule) -> Double {
        switch rule {
        case .sgd(let momentum, _): return momentum == 0 ? 2 : 4
        case .rmsprop(_, _, let momentum): return momentum == 0 ? 8 : 10
        case .adam: return 12
        }
    }

    public var forward: Double { inputProjection + recurrentForward + cellForward + denseForward }
    public var backward: Double { cellBackward + recurrentBackward + weightGradient + inputGradient + embeddingGradient }
    /// One inference step (`predict` on a batch).
    public var inference: Double { forward }
    /// One training step: forward, backward and the optimizer update.
    public var training: Double { forward + backward + optimizer }
    /// The part that is matrix products (what the executor's GEMM ops add up to).
    public var trainingGEMM: Double {
        inputProjection + recurrentForward + denseForward + recurrentBackward + inputGradient + weightGradient - biasGradient
    }
    /// Bias gradients (row sums), counted inside ``weightGradient``.
    public var biasGradient = 0.0

    public init() {}

    public init(model: SequentialModel, batch: Int, time: Int, optimizer rule: OptimizerRule) {
        let (b, t) = (Double(batch), Double(time))
        var trainedBelow = false
        for layer in model.layers {
            let width = Double(layer.inputShape.features ?? 0)
            switch layer.config {
            case .embedding(let e):
                if e.trainable { embeddingGradient += b * t * Double(e.outputDim) }
            case .recurrent(let r):
                addDirection(r, inputWidth: width, b: b, t: t, inputGradient: trainedBelow)
            case .bidirectional(let bi):
                addDirection(bi.forwardLayer, inputWidth: width, b: b, t: t, inputGradient: trainedBelow)
                addDirection(bi.backwardLayer, inputWidth: width, b: b, t: t, inputGradient: trainedBelow)
            case .dense(let d):
                let rows = layer.inputShape.rank == 3 ? b * t : b
                let product = 2 * rows * width * Double(d.units)
                denseForward += product
                if d.trainable {
                    weightGradient += product
                    if d.useBias { weightGradient += rows * Double(d.units); biasGradient += rows * Double(d.units) }
                }
                if trainedBelow { inputGradient += product }
            case .dropout, .spatialDropout1D:
                break
            }
            trainedBelow = trainedBelow || layer.parameters.contains(where: \.trainable)
        }
        let trainable = model.parameters.filter(\.trainable).reduce(0) { $0 + $1.elementCount }
        optimizer = Double(trainable) * Self.optimizerPerParameter(rule)
    }

    private mutating func addDirection(_ r: RecurrentConfig, inputWidth d: Double, b: Double, t: Double, inputGradient needsInput: Bool) {
        let cell = r.cell
        let (h, g) = (Double(r.units), Double(cell.kind.gateCount))
        let (cf, cb) = Self.cellElementwise(cell.kind)
        inputProjection += 2 * t * b * d * g * h
        recurrentForward += 2 * t * b * h * g * h
        cellForward += t * b * h * cf
        cellBackward += t * b * h * cb
        if cell.kind == .gru(resetAfter: false) {
            // The reset gate's product d(r⊙h)·U_hᵀ every step, the z/r part for T−1.
            recurrentBackward += 2 * t * b * h * h + 2 * (t - 1) * b * 2 * h * h
        } else {
            recurrentBackward += 2 * (t - 1) * b * g * h * h
        }
        // The engine forms a direction's weight and bias gradients even when they are not
        // trained (into scratch), so they count either way.
        let bias = t * b * Double(cell.biasCount)
        weightGradient += 2 * t * b * d * g * h + 2 * t * b * h * g * h + bias
        biasGradient += bias
        if needsInput { inputGradient += 2 * t * b * d * g * h }
    }
}
